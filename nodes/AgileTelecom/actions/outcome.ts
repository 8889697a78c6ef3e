import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * One SMS a send operation handed to Agile Telecom for an item, and what the server said of it: accepted (true),
 * refused (false), or unknown (null: a 5xx, a timeout, an answer that says nothing clear). Accepted and unknown ones
 * are on record for good: they are never sent again by this node, and the node's error lists them if it stops.
 */
export interface SentMessage {
	destination: string;
	/** The id delivery reports carry: `ids[i]` of a batch, the Qlara `messageId`. */
	id: string;
	accepted: boolean | null;
	/** The submission that carried it, when it differs from the item's. */
	globalId?: string;
}

/** What an item handed to Agile Telecom. `messages` may be the item's own output results (no copy per destination). */
export interface SentRecord {
	messages: readonly SentMessage[];
	/** The submission that first carried the item (Send Batch). */
	globalId?: string;
}

/**
 * One result per input item, in input order. `sent` is set by the send operations; `details` is what a failed item
 * shows beside its error (the error may be shared by every item of a failed request).
 */
export type ItemOutcome = (
	| { json: IDataObject }
	| { error: NodeApiError | NodeOperationError; details?: IDataObject }
) & {
	sent?: SentRecord;
};

/**
 * What an operation returns: one outcome per item (undefined for items it never got to, because it stopped at a
 * failure without continue-on-fail), and `halt` when the run must end even with continue-on-fail (a cancel).
 * Send operations never throw once something may have been sent: the router turns what they return into the
 * output, or into an error that keeps the record of what was accepted.
 */
export interface OperationResult {
	outcomes: Array<ItemOutcome | undefined>;
	halt?: NodeApiError | NodeOperationError;
}

/**
 * What an operation keeps as an item's failure under continue-on-fail: our own errors as they are, anything
 * else (a bug, an unexpected throw) as a NodeOperationError so the item still gets a readable error.
 */
export function toItemError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

export interface PreparedItems<T> {
	/** The items that passed validation, in input order. */
	valid: Array<{ itemIndex: number; value: T }>;
	/** The failed items' outcomes (continue-on-fail); undefined for valid items. */
	outcomes: Array<ItemOutcome | undefined>;
}

/**
 * Validates every item before anything is sent. Without continue-on-fail the first invalid item throws, so one bad
 * row sends nothing at all; with it, invalid items become error outcomes and the valid ones go on.
 */
export function prepareItems<T>(
	ctx: IExecuteFunctions,
	count: number,
	prepare: (itemIndex: number) => T | NodeOperationError,
): PreparedItems<T> {
	const continueOnFail = ctx.continueOnFail();
	const valid: PreparedItems<T>['valid'] = [];
	const outcomes = new Array<ItemOutcome | undefined>(count);
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const value = prepare(itemIndex);
		if (value instanceof NodeOperationError) {
			if (!continueOnFail) throw value;
			outcomes[itemIndex] = { error: value };
		} else {
			valid.push({ itemIndex, value });
		}
	}
	return { valid, outcomes };
}
