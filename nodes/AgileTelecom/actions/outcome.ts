import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** One result per input item, in input order. */
export type ItemOutcome = { json: IDataObject } | { error: NodeApiError | NodeOperationError };

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
