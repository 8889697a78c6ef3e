import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { checkDestinations, parseCountryCode } from '../../helpers/validation';
import { isObject } from '../../helpers/values';
import { ANSWER_FIELDS, PAGE_HEADERS, renderRecordedPage, renderResponsePage, type ResponsePage } from './sendAndWait.page';

/** Parameters the page and the SMS are built from; read by name in the execute and the webhook alike. */
interface PageParameters {
	responseType: string;
	sender: string;
	message: string;
	approvalOptions: { approvalType?: string; approveLabel?: string; disapproveLabel?: string };
	options: { responseFormTitle?: string; responseFormDescription?: string; responseFormButtonLabel?: string };
}

/** As in n8n's own nodes, a literal "\n" (or <br>) typed into the message is a line break. */
export function messageText(raw: unknown): string {
	return (typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw))
		.trim()
		.replace(/\\n/g, '\n')
		.replace(/<br>/g, '\n');
}

export function responsePage(parameters: PageParameters): ResponsePage {
	const { options, approvalOptions } = parameters;
	const title = options.responseFormTitle || parameters.sender;
	const message = messageText(parameters.message);
	if (parameters.responseType === 'freeText') {
		const description = options.responseFormDescription ? messageText(options.responseFormDescription) : message;
		return { kind: 'freeText', title, message: description, buttonLabel: options.responseFormButtonLabel || 'Submit' };
	}
	const page: ResponsePage = { kind: 'approval', title, message, approveLabel: approvalOptions.approveLabel || 'Approve' };
	if (approvalOptions.approvalType === 'double') page.disapproveLabel = approvalOptions.disapproveLabel || 'Decline';
	return page;
}

/** What the person answered, as n8n's own send-and-wait nodes output it, or why the submission is not an answer. */
export function readAnswer(page: ResponsePage, body: unknown, now: Date): { data: IDataObject } | { problem: string } {
	const fields = isObject(body) ? body : {};
	const respondedAt = now.toISOString();
	if (page.kind === 'freeText') {
		const text = fields[ANSWER_FIELDS.text];
		if (typeof text !== 'string' || text.trim() === '') return { problem: 'Write a response before sending it.' };
		return { data: { text, respondedAt } };
	}
	const approved = String(fields[ANSWER_FIELDS.approved]);
	if (approved === 'true') return { data: { approved: true, respondedAt } };
	// Approve Only offers no way to decline: a "false" posted anyway is not an answer the page gave.
	if (approved === 'false' && page.disapproveLabel !== undefined) return { data: { approved: false, respondedAt } };
	return { problem: 'Choose one of the buttons to answer.' };
}

function pageParameters(ctx: IWebhookFunctions): PageParameters {
	return {
		responseType: ctx.getNodeParameter('responseType', 'approval') as string,
		sender: String(ctx.getNodeParameter('sender', '') ?? ''),
		message: ctx.getNodeParameter('message', '') as string,
		approvalOptions: ctx.getNodeParameter('approvalOptions.values', {}) as PageParameters['approvalOptions'],
		options: ctx.getNodeParameter('options', {}) as PageParameters['options'],
	};
}

/** The number the link was sent to: only that phone got the link, so it is who answered. */
function respondent(ctx: IWebhookFunctions): string {
	const raw = ctx.getNodeParameter('destination', '');
	const hygiene = ctx.getNodeParameter('hygiene', {}) as IDataObject;
	const checked = checkDestinations(raw, parseCountryCode(hygiene.defaultCountryCode).countryCode);
	return checked.problem === undefined ? checked.value.numbers[0] : String(raw);
}

/**
 * The waiting webhook of Send and Wait for Response. n8n has already checked the link's signature (it refuses an
 * unsigned or altered link before calling this) and that the execution is still waiting on this node. GET shows the
 * page and leaves the execution waiting; a POST with a valid answer resumes it with that answer.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	const page = responsePage(pageParameters(this));
	const reply = (status: number, html: string) => res.status(status).set(PAGE_HEADERS).send(html);
	if (this.getRequestObject().method !== 'POST') {
		reply(200, renderResponsePage(page));
		return { noWebhookResponse: true };
	}
	const answer = readAnswer(page, this.getBodyData(), new Date());
	if ('problem' in answer) {
		reply(400, renderResponsePage(page, answer.problem));
		return { noWebhookResponse: true };
	}
	reply(200, renderRecordedPage());
	return { noWebhookResponse: true, workflowData: [[{ json: { data: answer.data, destination: respondent(this) } }]] };
}
