import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getConnection, type Connection } from '../transport/request';
import * as account from './account';
import * as lookup from './lookup';
import type { ItemOutcome } from './outcome';
import * as message from './message';
import * as sms from './sms';


/**
 * Every operation receives all input items at once: a batch operation packs them into few requests,
 * a per-item operation runs them with bounded concurrency. Either way it returns one outcome per item.
 * Without continue-on-fail an operation throws at the first failure (so it stops sending); with it,
 * failures come back as outcomes and the router turns them into error items.
 */
export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
) => Promise<ItemOutcome[]>;

const operations: Record<string, Record<string, OperationExecute>> = {
	sms: sms.operations,
	account: account.operations,
	message: message.operations,
	lookup: lookup.operations,
};

function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	const httpCode = (error as { httpCode?: string | null }).httpCode;
	if (httpCode) json.httpCode = httpCode;
	const details = (error as { context?: IDataObject }).context?.details;
	if (details) json.details = details;
	return json;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[]];
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const connection = await getConnection(this);
	const outcomes = await execute.call(this, items, connection);
	const continueOnFail = this.continueOnFail();
	return [
		outcomes.map((outcome, index) => {
			if ('json' in outcome) return { json: outcome.json, pairedItem: { item: index } };
			if (!continueOnFail) throw outcome.error;
			return { json: errorJson(outcome.error), pairedItem: { item: index } };
		}),
	];
}
