import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getConnection, type Connection } from '../transport/request';
import * as account from './account';
import { forgetRun, runScope } from './ledger';
import * as lookup from './lookup';
import * as message from './message';
import type { ItemOutcome, OperationResult, SentMessage } from './outcome';
import * as sms from './sms';

/**
 * Every operation receives all input items at once: a batch operation packs them into few requests, a per-item
 * operation runs them with bounded concurrency. It returns one outcome per item; read operations may also throw
 * at their first failure without continue-on-fail, send operations never do once something may have been sent.
 */
export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
) => Promise<ItemOutcome[] | OperationResult>;

const operations: Record<string, Record<string, OperationExecute>> = {
	sms: sms.operations,
	account: account.operations,
	message: message.operations,
	lookup: lookup.operations,
};

type ItemError = NodeApiError | NodeOperationError;

/**
 * An error item has only `error` and `details`: n8n's error output takes an item only when its keys are among
 * error/message/details, and drops the rest of an item that carries an `error` object, so everything we know
 * (what to do, the status, what was sent) goes into `details`.
 */
function errorJson(error: ItemError, itemDetails?: IDataObject): IDataObject {
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	const httpCode = (error as { httpCode?: string | null }).httpCode;
	if (httpCode) details.httpCode = httpCode;
	const record = itemDetails ?? (error as { context?: IDataObject }).context?.details;
	if (record && typeof record === 'object') Object.assign(details, record);
	return { error: error.message, details };
}

const originalTexts = new WeakMap<ItemError, { message: string; description?: string | null }>();

function itemList(numbers: number[]): string {
	return numbers.length <= 10 ? ` (item${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')})` : '';
}

/**
 * The error that stops the node, with the record of what was already sent: how many items were accepted (or may
 * have been) and, in its details, each one's ids. Without it a stopped run would leave no trace of SMS that are
 * already on their way, and a user re-running the workflow would send them again. Enriches a copy of the texts
 * kept aside, so an error replayed by a later try of the run is not enriched twice.
 */
function withSendRecord(error: ItemError, outcomes: Array<ItemOutcome | undefined>): ItemError {
	const accepted: IDataObject[] = [];
	const unknown: IDataObject[] = [];
	outcomes.forEach((outcome, index) => {
		const sent = outcome?.sent;
		if (!sent) return;
		const strip = ({ destination, id, globalId }: SentMessage) => {
			const submission = globalId ?? sent.globalId;
			return { destination, id, ...(submission ? { globalId: submission } : {}) };
		};
		const yes = sent.messages.filter((m) => m.accepted === true).map(strip);
		const maybe = sent.messages.filter((m) => m.accepted === null).map(strip);
		if (yes.length) accepted.push({ item: index + 1, messages: yes });
		if (maybe.length) unknown.push({ item: index + 1, messages: maybe });
	});
	if (accepted.length === 0 && unknown.length === 0) return error;

	const original = originalTexts.get(error) ?? { message: error.message, description: error.description };
	originalTexts.set(error, original);
	const said: string[] = [];
	if (accepted.length) {
		said.push(`${accepted.length} of ${outcomes.length} items were accepted${itemList(accepted.map((a) => a.item as number))}`);
	}
	if (unknown.length) {
		said.push(`${unknown.length} may have been (unknown outcome)${itemList(unknown.map((u) => u.item as number))}`);
	}
	error.message = `${original.message}. Before the node stopped, ${said.join(' and ')}: do not send them again`;
	error.description = `${original.description ? `${original.description} ` : ''}The error details list the ID of every SMS already sent (acceptedItems${unknown.length ? ', unknownItems: check their delivery reports' : ''}).`;
	error.context.acceptedItems = accepted;
	if (unknown.length) error.context.unknownItems = unknown;
	return error;
}

function normalise(result: ItemOutcome[] | OperationResult): OperationResult {
	return Array.isArray(result) ? { outcomes: result } : result;
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
	const { outcomes, halt } = normalise(await execute.call(this, items, connection));
	const continueOnFail = this.continueOnFail();
	const failed = continueOnFail ? undefined : outcomes.find((o) => o !== undefined && 'error' in o);
	const stop = halt ?? (failed && 'error' in failed ? failed.error : undefined);
	if (stop) throw withSendRecord(stop, outcomes);

	const output = outcomes.map((outcome, index): INodeExecutionData => {
		if (!outcome) {
			throw new NodeOperationError(this.getNode(), `Internal error: item ${index + 1} got no result (please report it)`);
		}
		if ('json' in outcome) return { json: outcome.json, pairedItem: { item: index } };
		return { json: errorJson(outcome.error, outcome.details), pairedItem: { item: index } };
	});
	// n8n re-runs the node when its first item is an error (Retry On Fail with continue-on-fail); otherwise no
	// further try of this run can come, and its memory of what was sent can go.
	if (this.getNode().retryOnFail && !('error' in output[0].json)) forgetRun(this, runScope(this));
	return [output];
}
