import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Connection } from '../transport/request';

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
 * Every operation receives all input items at once: a batch operation packs them into few requests, a per-item
 * operation runs them with bounded concurrency. It returns one outcome per item; read operations may also throw
 * at their first failure without continue-on-fail, send operations never do once something may have been sent.
 * Defined here, beside what it returns, so that the resources and the router that dispatches to them do not import
 * each other.
 */
export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
) => Promise<ItemOutcome[] | OperationResult>;

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
 * What preparing an item threw, as that item's error: an expression n8n could not evaluate for it (`$('Node').item`
 * without paired item, a node that did not run), a value n8n refused. n8n's own words are kept, with the item and the
 * parameter named; the error is built anew from them, so the expression's text (n8n puts it in the error's `cause`)
 * and the item's data go nowhere. (Only n8n's ExpressionErrors get out of an expression: `$json.a.b` on an item
 * without `a` gives an empty value, which the operation refuses as a missing field of that item.)
 */
export function preparationError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	const context = (error as { context?: ExpressionContext } | null)?.context;
	const parameter = typeof context?.parameter === 'string' ? context.parameter : undefined;
	// By name, not instanceof: n8n's ExpressionError may come from another copy of n8n-workflow than ours.
	const expression = parameter !== undefined || (error instanceof Error && error.name === 'ExpressionError');
	const said = withExpressionContext(error instanceof Error ? error.message : String(error), context);
	const texts = [(error as { description?: unknown } | null)?.description, context?.causeDetailed].filter((t) => typeof t === 'string' && t);
	const todo = expression ? `Fix the expression${parameter ? ` in "${parameter}"` : ''} for item ${itemIndex + 1}` : `Item ${itemIndex + 1} could not be read`;
	return new NodeOperationError(node, `Item ${itemIndex + 1}: ${parameter ? `${parameter}: ` : ''}${said}`, {
		itemIndex,
		description: [...texts, `${todo}; nothing was sent for this item.`].join(' '),
	});
}

/** What n8n's ExpressionError carries besides its message; its editor builds the text users see from it. */
interface ExpressionContext {
	parameter?: unknown;
	messageTemplate?: unknown;
	nodeCause?: unknown;
	causeDetailed?: unknown;
}

/**
 * n8n's message with what its editor would show beside it: a paired-item error says only "Invalid expression", and
 * the reason ("No path back to referenced node") and the node are in its context.
 */
function withExpressionContext(message: string, context: ExpressionContext | undefined): string {
	const nodeCause = typeof context?.nodeCause === 'string' ? context.nodeCause : undefined;
	const template = typeof context?.messageTemplate === 'string' ? context.messageTemplate.replace(/\{\{\s*nodeName\s*\}\}/g, nodeCause ?? '') : '';
	let said = template && template !== message ? `${message}: ${template}` : message;
	if (nodeCause && !said.includes(nodeCause)) said += ` (node "${nodeCause}")`;
	return said;
}

/**
 * Validates every item before anything is sent. Without continue-on-fail the first invalid item throws, so one bad
 * row sends nothing at all; with it, invalid items become error outcomes and the valid ones go on. What `prepare`
 * throws for an item counts as that item being invalid: n8n reads per-item parameters only there.
 */
export function prepareItems<T>(
	ctx: IExecuteFunctions,
	count: number,
	prepare: (itemIndex: number) => T | NodeOperationError,
): PreparedItems<T> {
	const continueOnFail = ctx.continueOnFail();
	const valid: PreparedItems<T>['valid'] = [];
	const outcomes = new Array<ItemOutcome | undefined>(count);
	const attempt = (itemIndex: number): T | NodeApiError | NodeOperationError => {
		try {
			return prepare(itemIndex);
		} catch (error) {
			return preparationError(ctx.getNode(), error, itemIndex);
		}
	};
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const value = attempt(itemIndex);
		if (value instanceof NodeOperationError || value instanceof NodeApiError) {
			if (!continueOnFail) throw value;
			outcomes[itemIndex] = { error: value };
		} else {
			valid.push({ itemIndex, value });
		}
	}
	return { valid, outcomes };
}
