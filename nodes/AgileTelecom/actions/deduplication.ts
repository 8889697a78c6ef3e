import type { DeduplicationScope, ICheckProcessedOptions, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEDUPLICATION_DEFAULTS, DEDUPLICATION_MAX_KEYS } from '../descriptions/send';
import { parameterReader, type ItemReader } from '../helpers/parameters';
import { asText, clampInteger } from '../helpers/values';
import type { ItemOutcome } from './outcome';

/** Our keys share the workflow scope with Remove Duplicates nodes: a prefix keeps the two sets of values apart. */
const PREFIX = 'agile-telecom-sms:';

/**
 * n8n's store reads its list, then writes it back (n8n 2.41 `DeduplicationHelper`, no lock): two executions checking
 * at the same moment would both find a key new, and the later write would drop the earlier one's keys. Every read
 * and write of one list by this process goes through this queue, which makes check-and-record one step for every
 * execution this process runs (all of them, except in queue mode with several workers: see the README).
 */
const queues = new Map<string, Promise<unknown>>();

async function serialised<T>(list: string, task: () => Promise<T>): Promise<T> {
	const run = (queues.get(list) ?? Promise.resolve()).then(task, task);
	const tail = run.then(
		() => undefined,
		() => undefined,
	);
	queues.set(list, tail);
	try {
		return await run;
	} finally {
		if (queues.get(list) === tail) queues.delete(list);
	}
}

/** An item that will not be sent because its key is taken, and what it outputs instead. */
export type KeySkip = IDataObject & { skipped: true; reason: string; deduplicationKey: string };

/** Whether an item sent something that must never be sent again (accepted, or of unknown outcome). */
function mayHaveSent(outcome: ItemOutcome | undefined): boolean {
	return outcome?.sent?.messages.some((m) => m.accepted !== false) === true;
}

/**
 * Deduplication Across Executions: every item's key is recorded in n8n's deduplication store before its SMS is
 * sent, and released again when nothing of it may have been sent. The store is n8n's own, database-backed one
 * (`checkProcessedAndRecord`, the Remove Duplicates node's "across executions"), so it survives restarts and is
 * shared by every worker; a key recorded by an earlier execution makes the item skip.
 */
export class Deduplication {
	private readonly options: ICheckProcessedOptions;
	private readonly list: string;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly keyReader: ItemReader,
		private readonly scope: DeduplicationScope,
		historySize: number,
	) {
		this.options = { mode: 'entries', maxEntries: historySize };
		const workflowId = ctx.getWorkflow().id ?? '';
		this.list = scope === 'node' ? `${workflowId}/n:${ctx.getNode().id}` : `${workflowId}/`;
	}

	/** Undefined when the node has no Deduplication Key. */
	static open(ctx: IExecuteFunctions): Deduplication | undefined {
		const raw = ctx.getNodeParameter('deduplication', 0, {}, { rawExpressions: true }) as IDataObject;
		if (raw.key === undefined || raw.key === '') return undefined;
		const fixed = ctx.getNodeParameter('deduplication', 0, {}) as IDataObject;
		const scope: DeduplicationScope = (fixed.scope ?? DEDUPLICATION_DEFAULTS.scope) === 'workflow' ? 'workflow' : 'node';
		const historySize = clampInteger(fixed.historySize, DEDUPLICATION_DEFAULTS.historySize, 1);
		if (historySize > DEDUPLICATION_MAX_KEYS) {
			// n8n keeps the whole list in one row, read and written by every execution (2.7 MB at 100,000 keys): past
			// the cap each execution would slow down for good. Forgetting keys silently instead would break the promise.
			throw new NodeOperationError(ctx.getNode(), `Keys to Keep is ${historySize}: at most ${DEDUPLICATION_MAX_KEYS} keys can be kept. Nothing was sent`, {
				description: 'n8n\'s deduplication store reads and writes every key in each execution. Lower Keys to Keep, or use a scope per purpose.',
			});
		}
		return new Deduplication(ctx, parameterReader(ctx, 'deduplication.key', ''), scope, historySize);
	}

	/** The item's key, or why it has none (checked with the other fields, before anything is sent). */
	keyOf(itemIndex: number): { key: string } | { problem: string } {
		const key = asText(this.keyReader(itemIndex))?.trim();
		if (key) return { key };
		return { problem: 'empty for this item; every item needs a key (e.g. {{ $json.orderId }}-shipped), or remove Deduplication Across Executions' };
	}

	/**
	 * Records the keys of the items about to be sent. Returns the items to skip: a key recorded by an earlier
	 * execution, or given to an earlier item of this run. Fails before anything is sent when n8n's store cannot be
	 * used, since sending without it would break the promise the option makes.
	 */
	async claim(items: Array<{ itemIndex: number; key: string }>): Promise<Map<number, KeySkip>> {
		const skips = new Map<number, KeySkip>();
		const firstWith = new Map<string, number>();
		const candidates: Array<{ itemIndex: number; key: string }> = [];
		for (const item of items) {
			const first = firstWith.get(item.key);
			if (first === undefined) {
				firstWith.set(item.key, item.itemIndex);
				candidates.push(item);
				continue;
			}
			const reason = `Item ${first + 1} has the same Deduplication Key "${item.key}" and sends it: nothing sent for this item`;
			skips.set(item.itemIndex, { skipped: true, reason, deduplicationKey: item.key, sameKeyAsItem: first + 1 });
		}
		if (candidates.length === 0) return skips;
		const result = await this.store(async (helpers) => await helpers.checkProcessedAndRecord(candidates.map((c) => PREFIX + c.key), this.scope, this.options));
		const taken = new Set(result.processed.map(String));
		for (const { itemIndex, key } of candidates) {
			if (!taken.has(PREFIX + key)) continue;
			const reason = `The Deduplication Key "${key}" is already recorded: an earlier execution sent this SMS (or may have), so it is not sent again`;
			skips.set(itemIndex, { skipped: true, reason, deduplicationKey: key });
		}
		return skips;
	}

	/**
	 * Releases the claimed keys of items that provably sent nothing (refused, never sent, never reached), so a later
	 * execution may send them. Keys of accepted or unknown SMS stay. Never throws: what was sent is already on record,
	 * and a key left behind only errs on the side of not sending twice.
	 */
	async release(claimed: Array<{ itemIndex: number; key: string }>, outcomes: ReadonlyArray<ItemOutcome | undefined>): Promise<void> {
		const unsent = claimed.filter(({ itemIndex }) => !mayHaveSent(outcomes[itemIndex])).map(({ key }) => PREFIX + key);
		if (unsent.length === 0) return;
		try {
			await this.store(async (helpers) => await helpers.removeProcessed(unsent, this.scope, this.options));
		} catch (error) {
			this.ctx.logger.warn(`Agile Telecom: ${unsent.length} Deduplication Keys of unsent SMS could not be released (${(error as Error).message}); those items are skipped until the keys are forgotten`);
		}
	}

	private async store<T>(task: (helpers: IExecuteFunctions['helpers']) => Promise<T>): Promise<T> {
		const { helpers } = this.ctx;
		if (typeof helpers.checkProcessedAndRecord !== 'function' || typeof helpers.removeProcessed !== 'function') {
			throw this.unavailable('this n8n version has no deduplication store (Remove Duplicates across executions is missing too)');
		}
		return await serialised(this.list, async () => await task(helpers)).catch((error: unknown) => {
			throw error instanceof NodeOperationError ? error : this.unavailable((error as Error)?.message ?? String(error));
		});
	}

	private unavailable(why: string): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), `n8n's deduplication store could not be used: ${why}. Nothing was sent`, {
			description:
				'Deduplication Across Executions records every key in n8n\'s deduplication store (the one the Remove Duplicates node uses) before sending. Run the workflow in an n8n where that store works (a saved workflow), or remove the option.',
		});
	}
}
