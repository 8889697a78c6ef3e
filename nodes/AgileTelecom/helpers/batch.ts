import { randomUUID } from 'crypto';

import { destinationStatusMeaning } from '../transport/errors';
import { isGsm7, partCapacity, segmentSms, type SmsEncoding } from './encoding';

/**
 * Batching defaults (README "Send Batch"). 500 messages per request keeps a typical request (one destination,
 * one-part text, a 36-character id) near 150 KB: far below the 1 MB body limit common in front of HTTP APIs
 * (nginx's default), while 10,000 rows still need only 20 requests. A request that is too large anyway is
 * split on 413, and a failed request (5xx, timeout) leaves at most 500 items in doubt.
 */
export const BATCH_DEFAULTS = {
	messagesPerRequest: 500,
	// Bounds the body when items carry long destination lists (5,000 numbers + ids ≈ 300 KB).
	maxDestinationsPerRequest: 5000,
	// Two requests in flight hide the round trip without pushing a per-key rate limit.
	concurrency: 2,
} as const;

export const MAX_CONCURRENCY = 20;

/** API defaults of the request-level fields (agile-api.md §3.1). */
export const API_DEFAULTS = {
	maxIdLen: 64,
	enableConcatenated: true,
	enableUnicode: true,
	enableDelivery: true,
	simulation: false,
} as const;

/** One entry of `messages[]` (agile-api.md §3.2), keys in the documented order. */
export type BatchMessage = {
	destinations: string[];
	ids: string[];
	sender: string;
	body: string;
	hexBody?: boolean;
	udhData?: string;
	scheduling?: string;
};

export type BatchRequestBody = {
	globalId: string;
	maxIdLen?: number;
	enableConcatenated?: boolean;
	enableUnicode?: boolean;
	enableDelivery?: boolean;
	simulation?: boolean;
	messages: BatchMessage[];
};

/** Wholesale success shape (agile-api.md §3.3 a). */
export interface WholesaleResult {
	destination?: string;
	id?: string;
	accepted?: boolean;
	statusCode?: number | string;
}

/** Both documented success shapes (§3.3 a and b); every field optional because either may be missing. */
export interface BatchResponse {
	globalId?: string;
	accepted?: boolean;
	results?: WholesaleResult[];
	processedMessages?: number;
	processedSmsParts?: number;
	credit?: number;
}

export type DestinationResult = {
	destination: string;
	id: string;
	/** null: the response did not say (legacy counters that do not add up). */
	accepted: boolean | null;
	statusCode: number | null;
	/** The documented meaning of statusCode (agile-api.md §8.2). */
	status: string;
};

export interface ParsedBatchResponse {
	globalId: string;
	credit?: number;
	/** One list per sent message, in the order of its destinations. */
	results: DestinationResult[][];
	/** Set when the response cannot attribute acceptance to destinations. */
	warning?: string;
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** Why a value is not usable as hex bytes, or undefined. */
export function hexProblem(value: string): string | undefined {
	if (HEX.test(value)) return undefined;
	if (/^[0-9a-fA-F]*$/.test(value)) return `has ${value.length} hex digits; bytes need an even number`;
	return 'may contain only the hex digits 0-9 and A-F (two per byte, no spaces or prefixes)';
}

/**
 * An id for a destination the user gave none for. Generated before the first attempt so every resend of the
 * request is byte-identical and a duplicate can be traced; the legacy response shape returns no ids, so this
 * is also the only way the output can name the id delivery reports will carry.
 */
export function generateId(maxIdLen: number): string {
	const id = flatten(randomUUID());
	return maxIdLen >= id.length ? id : id.replace(/-/g, '').slice(0, Math.max(1, maxIdLen));
}

/**
 * Node builds a UUID by concatenating 20 pieces, so V8 keeps it as a tree of 20 string objects (about 490
 * bytes instead of 64). Reading a character makes V8 flatten it in place; the tree is then garbage. This
 * matters when 100,000 ids stay in memory until the run ends.
 */
export function flatten(value: string): string {
	value.charCodeAt(0);
	return value;
}

/**
 * Packs messages, in input order, into requests of at most `messagesPerRequest` messages and
 * `maxDestinations` destinations. Returns [start, end) ranges, so a 413 can halve a range without copying.
 */
export function packRequests(
	destinationCounts: ArrayLike<number>,
	messagesPerRequest: number,
	maxDestinations: number,
): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	let start = 0;
	let destinations = 0;
	for (let i = 0; i < destinationCounts.length; i++) {
		const count = destinationCounts[i];
		const full = i - start >= messagesPerRequest || destinations + count > maxDestinations;
		if (i > start && full) {
			ranges.push([start, i]);
			start = i;
			destinations = 0;
		}
		destinations += count;
	}
	if (destinationCounts.length > start) ranges.push([start, destinationCounts.length]);
	return ranges;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statusOf(result: WholesaleResult | undefined): number | null {
	if (result?.statusCode === undefined || result.statusCode === null) return null;
	const n = Number(result.statusCode);
	return Number.isFinite(n) ? n : null;
}

function fromWholesale(result: WholesaleResult | undefined, destination: string, id: string): DestinationResult {
	const statusCode = statusOf(result);
	let accepted: boolean | null;
	if (!result) accepted = null;
	else if (typeof result.accepted === 'boolean') accepted = result.accepted;
	else accepted = statusCode === null ? null : statusCode >= 200 && statusCode < 300;
	return {
		destination,
		id: typeof result?.id === 'string' && result.id ? result.id : id,
		accepted,
		statusCode,
		status: result ? destinationStatusMeaning(statusCode) : 'missing from the response',
	};
}

/**
 * Reads either documented success body into per-destination results. `results[]` is matched by position
 * when it lines up with what was sent (the documented order), else by id, then by destination.
 * The legacy counters say only how many destinations were processed: when that is all of them, every
 * destination was accepted; when not, nobody can say which, and the results say so instead of guessing.
 */
export function readBatchResponse(body: unknown, messages: BatchMessage[], sentGlobalId: string): ParsedBatchResponse {
	const b: BatchResponse = isObject(body) ? (body as BatchResponse) : {};
	const globalId = typeof b.globalId === 'string' && b.globalId ? b.globalId : sentGlobalId;
	const credit = typeof b.credit === 'number' ? b.credit : undefined;
	let total = 0;
	for (const m of messages) total += m.destinations.length;

	if (Array.isArray(b.results)) {
		const list = b.results.filter(isObject) as WholesaleResult[];
		const aligned = list.length === total;
		let byKey: Map<string, WholesaleResult> | undefined;
		const lookup = (id: string, destination: string) => {
			if (!byKey) {
				byKey = new Map();
				for (const r of list) {
					if (typeof r.id === 'string' && !byKey.has(`id:${r.id}`)) byKey.set(`id:${r.id}`, r);
					if (typeof r.destination === 'string' && !byKey.has(`to:${r.destination}`)) byKey.set(`to:${r.destination}`, r);
				}
			}
			return byKey.get(`id:${id}`) ?? byKey.get(`to:${destination}`);
		};
		let k = 0;
		const results = messages.map((m) =>
			m.destinations.map((destination, i) => {
				const id = m.ids[i];
				const atPosition = aligned ? list[k] : undefined;
				k++;
				const matches =
					atPosition !== undefined &&
					(atPosition.id === undefined || atPosition.id === id) &&
					(atPosition.destination === undefined || atPosition.destination === destination);
				return fromWholesale(matches ? atPosition : lookup(id, destination), destination, id);
			}),
		);
		const missing = results.some((list) => list.some((r) => r.accepted === null));
		return {
			globalId,
			credit,
			results,
			...(missing
				? {
						warning:
							'The response has no clear result for some destinations of this request: check the delivery reports before sending them again',
					}
				: {}),
		};
	}

	const processed = Number(b.processedMessages);
	// A 2xx means the submission was accepted (agile-api.md §3.3 c); counters that cover everything confirm it.
	const allAccepted = b.processedMessages === undefined || !Number.isFinite(processed) || processed >= total;
	const results = messages.map((m) =>
		m.destinations.map(
			(destination, i): DestinationResult =>
				allAccepted
					? { destination, id: m.ids[i], accepted: true, statusCode: 200, status: destinationStatusMeaning(200) }
					: { destination, id: m.ids[i], accepted: null, statusCode: null, status: destinationStatusMeaning(null) },
		),
	);
	return {
		globalId,
		credit,
		results,
		...(allAccepted
			? {}
			: {
					warning: `Agile Telecom processed ${processed} of the ${total} destinations of this request without saying which: check the delivery reports before sending any of them again`,
				}),
	};
}

export type BatchEncoding = SmsEncoding | 'Binary';

const GSM_REPLACEMENT = '?';

/**
 * Encoding and parts as the platform will bill them, following the request options: without concatenation
 * the text is truncated to one part, without Unicode non-GSM characters are removed or replaced (§3.1), so
 * counted here as one septet each (the upper bound). A hex body is raw bytes: 140 per part, 134 once split.
 * A user-supplied UDH (`udhOctets`, see `udhOctets()` in encoding.ts) shrinks every part (`partCapacity`).
 */
export function messageSegmentation(
	text: string,
	options: { hexBody: boolean; enableUnicode: boolean; enableConcatenated: boolean; udhOctets?: number },
): { encoding: BatchEncoding; parts: number } {
	let encoding: BatchEncoding;
	let parts: number;
	const udh = { udhOctets: options.udhOctets };
	if (options.hexBody) {
		const bytes = text.length / 2;
		const limits = partCapacity('Binary', options.udhOctets);
		encoding = 'Binary';
		parts = bytes === 0 ? 0 : bytes <= limits.single ? 1 : Math.ceil(bytes / limits.multi);
	} else {
		let segmentation = segmentSms(text, udh);
		if (segmentation.encoding === 'UCS-2' && !options.enableUnicode) {
			const gsmOnly = Array.from(text, (char) => (isGsm7(char) ? char : GSM_REPLACEMENT)).join('');
			segmentation = segmentSms(gsmOnly, udh);
		}
		encoding = segmentation.encoding;
		parts = segmentation.parts;
	}
	return { encoding, parts: options.enableConcatenated ? parts : Math.min(parts, 1) };
}
