import { createHash, randomUUID } from 'crypto';

/** Namespace of this package's name-based UUIDs (RFC 4122 §4.3); any fixed UUID works, this one is ours. */
const NAMESPACE = Buffer.from('6f1c2b1e8a4d4c53b1c0a9e2d7f35b84', 'hex');

/** RFC 4122 version 5 UUID: SHA-1 of namespace + name, so the same name always gives the same id. */
export function uuidV5(name: string, namespace: Buffer = NAMESPACE): string {
	const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.toString('hex', 0, 16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A short digest of what an SMS is (where it goes and what it says), the same whenever the same parts are given in
 * the same order: how a retry recognises the SMS an earlier try sent. 128 bits, so no two SMS of a run share one.
 */
export function fingerprint(...parts: unknown[]): string {
	return createHash('sha1').update(JSON.stringify(parts), 'utf8').digest('base64url').slice(0, 22);
}

/**
 * Node builds a string from pieces, which V8 may keep as a tree of string objects (about 490 bytes instead of 64
 * for a UUID). Reading a character makes V8 flatten it in place; the tree is then garbage. This matters when
 * 100,000 ids stay in memory until the run ends.
 */
export function flatten(value: string): string {
	value.charCodeAt(0);
	return value;
}

/**
 * Where the node's default message ids come from. With a scope (one node's run in one execution: instance,
 * workflow, execution, node and run index) every id is derived from it and the item and destination it is for, so
 * any re-run of the same run (n8n's Retry On Fail) carries the very same ids, while two runs of a loop, two
 * executions or two n8n instances never share one. Without an execution (no scope) ids are random.
 */
export class IdSource {
	/** `tool`: the node runs as an AI Agent tool, where ids come from what an SMS is rather than its item number. */
	constructor(
		private readonly scope: string | undefined,
		readonly tool = false,
	) {}

	/** A UUID for these parts of the run (item, destination, request …). */
	uuid(...parts: Array<string | number>): string {
		return flatten(this.scope === undefined ? randomUUID() : uuidV5(`${this.scope}/${parts.join('/')}`));
	}

	/** A UUID cut to `maxLength` characters when the API's id limit is shorter (hex only then, no dashes). */
	id(maxLength: number, ...parts: Array<string | number>): string {
		const id = this.uuid(...parts);
		return maxLength >= id.length ? id : flatten(id.replace(/-/g, '').slice(0, Math.max(1, maxLength)));
	}
}
