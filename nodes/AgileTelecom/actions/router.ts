import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getConnection } from '../transport/request';
import * as account from './account';
import { forgetRun, runScope } from './ledger';
import * as lookup from './lookup';
import * as message from './message';
import type { ItemOutcome, OperationExecute, OperationResult, SentMessage } from './outcome';
import * as sms from './sms';

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

function itemList(numbers: number[]): string {
	return numbers.length <= 10 ? ` (item${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')})` : '';
}

/** Per item, the SMS that are on their way (accepted) or may be (unknown), with the ids their reports will carry. */
interface SendRecord {
	accepted: IDataObject[];
	unknown: IDataObject[];
}

function sendRecord(outcomes: Array<ItemOutcome | undefined>): SendRecord {
	const record: SendRecord = { accepted: [], unknown: [] };
	outcomes.forEach((outcome, index) => {
		const sent = outcome?.sent;
		if (!sent) return;
		const strip = ({ destination, id, globalId }: SentMessage) => {
			const submission = globalId ?? sent.globalId;
			return { destination, id, ...(submission ? { globalId: submission } : {}) };
		};
		const yes = sent.messages.filter((m) => m.accepted === true).map(strip);
		const maybe = sent.messages.filter((m) => m.accepted === null).map(strip);
		if (yes.length) record.accepted.push({ item: index + 1, messages: yes });
		if (maybe.length) record.unknown.push({ item: index + 1, messages: maybe });
	});
	return record;
}

/**
 * The error that stops the node, with the record of what was already sent: how many items were accepted (or may
 * have been) and, in its details, each one's ids. Without it a stopped run would leave no trace of SMS that are
 * already on their way, and a user re-running the workflow would send them again. It is a new error of the same
 * kind, keeping the provider's text, the HTTP code and the context of the one that stopped the node; that one is
 * left as it is, so a later try of the run that replays it (the ledger) tells its record once, not twice.
 */
function stopError(node: INode, error: ItemError, outcomes: Array<ItemOutcome | undefined>): ItemError {
	const { accepted, unknown } = sendRecord(outcomes);
	if (accepted.length === 0 && unknown.length === 0) return error;

	const said: string[] = [];
	if (accepted.length) {
		said.push(`${accepted.length} of ${outcomes.length} items were accepted${itemList(accepted.map((a) => a.item as number))}`);
	}
	if (unknown.length) {
		said.push(`${unknown.length} may have been (unknown outcome)${itemList(unknown.map((u) => u.item as number))}`);
	}
	const message = `${error.message}. Before the node stopped, ${said.join(' and ')}: do not send them again`;
	const description = `${error.description ? `${error.description} ` : ''}The error details list the ID of every SMS already sent (acceptedItems${unknown.length ? ', unknownItems: check their delivery reports' : ''}).`;
	const itemIndex = error.context.itemIndex as number | undefined;
	const stop =
		error instanceof NodeApiError
			? new NodeApiError(node, { message: error.message }, { message, description, httpCode: error.httpCode ?? undefined, itemIndex, level: error.level })
			: new NodeOperationError(node, message, { description, itemIndex, level: error.level });
	// n8n rewrites a message it recognises (a connection error code) while building an error; this one is final.
	stop.message = message;
	stop.description = description;
	Object.assign(stop.context, error.context, { acceptedItems: accepted, ...(unknown.length ? { unknownItems: unknown } : {}) });
	return stop;
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
	if (stop) throw stopError(this.getNode(), stop, outcomes);

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
