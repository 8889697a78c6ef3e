import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { checkBody, checkDestinations, invalidField } from '../../helpers/validation';
import { qlaraAccount } from '../../transport/endpoints';
import type { Connection } from '../../transport/request';
import type { ItemOutcome, OperationResult } from '../outcome';
import { readHygiene } from './hygiene';
import * as send from './send.operation';
import * as sendBatch from './sendBatch.operation';
import { messageText } from './sendAndWait.webhook';

export { description, sendAndWaitWebhooks } from './sendAndWait.description';
export { sendAndWaitWebhook } from './sendAndWait.webhook';

interface LimitWaitTime {
	limitType?: 'afterTimeInterval' | 'atSpecifiedTime';
	resumeAmount?: number;
	resumeUnit?: 'minutes' | 'hours' | 'days';
	maxDateAndTime?: string;
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** When the wait ends without an answer (n8n's configureWaitTillDate): never, unless Limit Wait Time is set. */
export function waitTillDate(ctx: IExecuteFunctions, now: Date = new Date()): Date {
	const limit = ctx.getNodeParameter('options.limitWaitTime.values', 0, {}) as LimitWaitTime;
	if (!limit.limitType) return WAIT_INDEFINITELY;
	const date =
		limit.limitType === 'afterTimeInterval'
			? new Date(now.getTime() + Number(limit.resumeAmount) * UNIT_MS[limit.resumeUnit ?? 'hours'])
			: new Date(limit.maxDateAndTime ?? '');
	if (Number.isNaN(date.getTime())) {
		throw new NodeOperationError(ctx.getNode(), 'Could not configure Limit Wait Time', {
			description: 'Invalid date format: set Amount and Unit, or a valid Max Date and Time, under Options → Limit Wait Time. Nothing was sent.',
			itemIndex: 0,
		});
	}
	return date;
}

/** The fields of one SMS, as the send operation of the credential's platform reads its own parameters. */
function sendParameters(qlara: boolean, destination: unknown, sender: unknown, body: string): Record<string, unknown> {
	const common = { dataMode: 'defineBelow', sender, body, rejectedDestinations: 'fail' };
	return qlara
		? { ...common, destination, options: {}, throughput: {} }
		: { ...common, destinations: destination, messageOptions: {}, requestOptions: {}, batching: {} };
}

/**
 * The context a send operation runs in: this node's context, but with only the first item and with the SMS fields
 * given here in place of the send's own parameters (every other one, Retry and Cost and List Hygiene included, is
 * this node's). The send then validates, counts parts, sends and records exactly as it does on its own.
 */
function sendContext(ctx: IExecuteFunctions, item: INodeExecutionData, fields: Record<string, unknown>): IExecuteFunctions {
	const view = Object.create(ctx) as IExecuteFunctions;
	const own = ctx.getNodeParameter.bind(ctx) as (...args: unknown[]) => unknown;
	view.getInputData = () => [item];
	view.getNodeParameter = ((name: string, ...rest: unknown[]) =>
		Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : own(name, ...rest)) as IExecuteFunctions['getNodeParameter'];
	return view;
}

/** The send's error texts name its own fields; here they are Destination and the Message with its link. */
function relabel(error: unknown): unknown {
	if (!(error instanceof NodeOperationError)) return error;
	const names: Array<[RegExp, string]> = [
		[/\bDestinations\b/g, 'Destination'],
		[/\bBody\b/g, 'Message (with the response link)'],
	];
	for (const [from, to] of names) {
		error.message = error.message.replace(from, to);
		if (error.description) error.description = error.description.replace(from, to);
	}
	return error;
}

async function sendSms(ctx: IExecuteFunctions, item: INodeExecutionData, connection: Connection, body: string): Promise<OperationResult> {
	const qlara = qlaraAccount(connection.endpoints);
	const fields = sendParameters(qlara, ctx.getNodeParameter('destination', 0, ''), ctx.getNodeParameter('sender', 0, ''), body);
	const view = sendContext(ctx, item, fields);
	try {
		return await (qlara ? send.execute : sendBatch.execute).call(view, [item], connection);
	} catch (error) {
		// Only validation throws here (before anything is sent); a send failure comes back as an outcome.
		throw relabel(error);
	}
}

/** Why the SMS cannot be sent at all, before anything is: its own fields (the send checks the rest). */
function inputProblem(ctx: IExecuteFunctions): NodeOperationError | { message: string } {
	const message = checkBody(messageText(ctx.getNodeParameter('message', 0, '')));
	if (message.problem !== undefined) return invalidField(ctx.getNode(), 0, 'Message', message.problem);
	// Send Batch would send a list to every number; one link answers for one person.
	const destination = checkDestinations(ctx.getNodeParameter('destination', 0, ''), readHygiene(ctx).defaultCountryCode);
	if (destination.problem === undefined && destination.value.given > 1) {
		return invalidField(ctx.getNode(), 0, 'Destination', 'one number only: the link in the SMS answers for one person');
	}
	if (typeof ctx.getSignedResumeUrl !== 'function') {
		return new NodeOperationError(ctx.getNode(), 'Send and Wait for Response needs a newer n8n', {
			description: 'This n8n cannot sign resume links (getSignedResumeUrl), so the link could be forged. Update n8n; nothing was sent.',
		});
	}
	return { message: message.value };
}

/**
 * Send and Wait for Response: one SMS, from the first item as in n8n's own send-and-wait nodes, whose last line is
 * the signed link to the response page; then the execution waits. The answer arrives through the waiting webhook
 * (sendAndWait.webhook.ts) and becomes the node's output; at the time limit n8n resumes with the input item instead.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], connection: Connection): Promise<OperationResult> {
	const waitTill = waitTillDate(this);
	const checked = inputProblem(this);
	if (checked instanceof NodeOperationError) {
		if (!this.continueOnFail()) throw checked;
		return { outcomes: [{ error: checked }] };
	}
	// n8n 1.x checks a resume link's signature only for an execution whose node asked for it; 2.x always does.
	const requireSignature = (this as { setSignatureValidationRequired?: () => void }).setSignatureValidationRequired;
	if (typeof requireSignature === 'function') requireSignature.call(this);
	const body = `${checked.message}\n${this.getSignedResumeUrl()}`;
	const result = await sendSms(this, items[0], connection, body);
	const outcome: ItemOutcome | undefined = result.outcomes[0];
	if (!outcome || 'error' in outcome || result.halt) {
		if (outcome && 'error' in outcome) relabel(outcome.error);
		return { outcomes: [outcome], halt: result.halt };
	}
	await this.putExecutionToWait(waitTill);
	// Shown while the execution waits (what was sent); the answer or, at the time limit, the input replaces it.
	return { outcomes: [outcome] };
}
