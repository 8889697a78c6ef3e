import type { IExecuteFunctions } from 'n8n-workflow';

import { isToolCall } from '../helpers/tool';
import type { ItemOutcome } from './outcome';


/**
 * The part of an execution that a retry repeats. In a workflow: one node's run (instance, workflow, execution, node,
 * run index): n8n's Retry On Fail re-runs exactly that, while a loop gives the node a new run index. As a tool: the
 * node in the execution, since a retry or a second call by the agent comes with a new run index; what tells two tool
 * calls apart there is what they send (see `RunLedger`). Undefined outside an execution.
 */
export function runScope(ctx: IExecuteFunctions): string | undefined {
	const executionId = ctx.getExecutionId();
	if (!executionId) return undefined;
	const run = isToolCall(ctx) ? 'tool' : Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	return [ctx.getInstanceId(), ctx.getWorkflow().id ?? '', executionId, ctx.getNode().id, run].join('/');
}

interface Stored {
	/** Item outcomes, by item key: what a whole item sent, to be repeated when the same item asks again. */
	items: Map<string, ItemOutcome>;
	/** Per destination, its settled result (accepted or unknown), by destination key. */
	destinations: Map<string, unknown>;
	expires: number;
}

/**
 * Long enough for every try of a run: n8n waits at most 5 s between tries, and each try touches the ledger again.
 * An agent's later tool call refreshes it too. What a run leaves behind (its last try failed) is dropped after this.
 */
const KEEP_MS = 15 * 60 * 1000;
const runs = new Map<string, Stored>();

/** What a repeated tool call is told of an SMS it already sent. */
export const ALREADY_SENT = 'Already sent in this execution (same number and text): nothing was sent again. Do not send it again.';

function sweep(now: number): void {
	for (const [scope, stored] of runs) if (stored.expires <= now) runs.delete(scope);
}

/**
 * Memory of what this run already sent. n8n's Retry On Fail re-runs `execute` with every input item, and an agent
 * retries a tool or calls it again with the same arguments: without this memory what the failed try sent would be
 * sent again. Every entry is keyed by a fingerprint of the SMS (destination, sender, text, schedule, channel: see
 * the operations), so a later try repeats an outcome only when it asks for the very same SMS and sends otherwise.
 * In a workflow the item number is part of the key (two items may legitimately send the same text to one number);
 * as a tool it is not (every call is item 1, and the same SMS asked twice is one SMS).
 *
 * It lives in the process that runs the execution (every try of a run happens there, in queue mode too) and only
 * when a retry can come: with Retry On Fail, and always as a tool.
 */
export class RunLedger {
	private constructor(
		private readonly stored: Stored,
		private readonly tool_: boolean,
	) {}

	static open(ctx: IExecuteFunctions, scope: string | undefined): RunLedger | undefined {
		const tool = isToolCall(ctx);
		if (scope === undefined || (!tool && ctx.getNode().retryOnFail !== true)) return undefined;
		const now = Date.now();
		sweep(now);
		let stored = runs.get(scope);
		if (!stored) {
			stored = { items: new Map(), destinations: new Map(), expires: now };
			runs.set(scope, stored);
		}
		stored.expires = now + KEEP_MS;
		return new RunLedger(stored, tool);
	}

	/** Whether this is a tool's ledger (see `isToolCall`). */
	get tool(): boolean {
		return this.tool_;
	}

	/** An earlier outcome as this try outputs it: marked, in words an agent reads as "do not send again". */
	repeat(outcome: ItemOutcome): ItemOutcome {
		if (!('json' in outcome)) return outcome;
		const mark = this.tool_ ? { alreadySent: true, note: ALREADY_SENT } : { fromEarlierTry: true };
		return { ...outcome, json: { ...outcome.json, ...mark } };
	}

	private key(itemIndex: number, fingerprint: string): string {
		return this.tool_ ? fingerprint : `${itemIndex}/${fingerprint}`;
	}

	/** The outcome an earlier try gave this item, when it asked for the same SMS (`fingerprint`). */
	outcome(itemIndex: number, fingerprint: string): ItemOutcome | undefined {
		return this.stored.items.get(this.key(itemIndex, fingerprint));
	}

	/** An earlier try's settled result for one destination of this item (`fingerprint` includes the destination). */
	settled(itemIndex: number, fingerprint: string): unknown {
		return this.stored.destinations.get(this.key(itemIndex, fingerprint));
	}

	/**
	 * Keeps what an item sent (accepted or unknown): that must never be sent again. `settled` lists its destinations
	 * that were, by their fingerprints; refused ones are left out, so a later try may send them.
	 */
	record(itemIndex: number, fingerprint: string, outcome: ItemOutcome, settled: Iterable<readonly [string, unknown]> = []): void {
		if (!outcome.sent?.messages.some((m) => m.accepted !== false)) return;
		this.stored.items.set(this.key(itemIndex, fingerprint), outcome);
		for (const [destination, result] of settled) this.stored.destinations.set(this.key(itemIndex, destination), result);
		this.stored.expires = Date.now() + KEEP_MS;
	}
}

/**
 * Drops a run's memory once no further try can come (the node succeeded without an error item first). Never as a
 * tool: the agent may call again in the same execution.
 */
export function forgetRun(ctx: IExecuteFunctions, scope: string | undefined): void {
	if (scope !== undefined && !isToolCall(ctx)) runs.delete(scope);
}
