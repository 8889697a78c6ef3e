import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemOutcome } from './outcome';

/**
 * One node's run in one execution: n8n's Retry On Fail re-runs exactly this (same execution, node and run index,
 * every input item again), while a loop gives the node a new run index. Undefined outside an execution.
 */
export function runScope(ctx: IExecuteFunctions): string | undefined {
	const executionId = ctx.getExecutionId();
	if (!executionId) return undefined;
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	return [ctx.getInstanceId(), ctx.getWorkflow().id ?? '', executionId, ctx.getNode().id, runIndex].join('/');
}

/** What an earlier try of this run settled for an item. */
export interface LedgerEntry {
	/** The item's outcome as that try output it. */
	outcome: ItemOutcome;
	/** Per destination, its settled result (accepted or unknown); a destination not in it is still to send. */
	settled?: ReadonlyMap<string, unknown>;
}

interface Stored {
	items: Map<number, LedgerEntry>;
	expires: number;
}

/**
 * Long enough for every try of a run: n8n waits at most 5 s between tries, and each try touches the ledger again.
 * What a run leaves behind (its last try failed) is dropped after this.
 */
const KEEP_MS = 15 * 60 * 1000;
const runs = new Map<string, Stored>();

function sweep(now: number): void {
	for (const [scope, stored] of runs) if (stored.expires <= now) runs.delete(scope);
}

/**
 * Memory of what this run already sent, for n8n's Retry On Fail: it re-runs `execute` with every input item, and
 * without this memory the items accepted by the failed try would be sent again. It lives in the process that runs
 * the execution (every try of a run happens there, in queue mode too) and only when Retry On Fail is on, the one
 * setting that re-runs a node within the same run.
 */
export class RunLedger {
	private constructor(
		readonly scope: string,
		private readonly stored: Stored,
	) {}

	static open(ctx: IExecuteFunctions, scope: string | undefined): RunLedger | undefined {
		if (scope === undefined || ctx.getNode().retryOnFail !== true) return undefined;
		const now = Date.now();
		sweep(now);
		let stored = runs.get(scope);
		if (!stored) {
			stored = { items: new Map(), expires: now + KEEP_MS };
			runs.set(scope, stored);
		}
		stored.expires = now + KEEP_MS;
		return new RunLedger(scope, stored);
	}

	get(itemIndex: number): LedgerEntry | undefined {
		return this.stored.items.get(itemIndex);
	}

	/** Keeps an item's outcome when it sent something (accepted or unknown): that must never be sent again. */
	record(itemIndex: number, outcome: ItemOutcome, settled?: ReadonlyMap<string, unknown>): void {
		if (!outcome.sent?.messages.some((m) => m.accepted !== false)) return;
		this.stored.items.set(itemIndex, { outcome, settled });
		this.stored.expires = Date.now() + KEEP_MS;
	}
}

/** Drops a run's memory once no further try can come (the node succeeded without an error item first). */
export function forgetRun(scope: string | undefined): void {
	if (scope !== undefined) runs.delete(scope);
}
