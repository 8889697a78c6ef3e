import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { UndecodableBodyError, decodeBody, type DecodedBody } from './body';
import { ALL_EVENTS, eventCategory, parseEvents } from './parse';
import { expectedToken, inboundTimeZone } from './settings';
import { receivedToken, tokenMatches } from './token';

/** The parts of the HTTP response the node writes itself (express' Response is a node ServerResponse). */
interface RawResponse {
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

interface RawRequest {
	rawBody?: Buffer;
}

/**
 * Every accepted callback is answered `+OK` as text: the inbound SMS gateway (agile-api.md §14) retries
 * anything else after 15 minutes, and the JSON senders (§6) accept any 2xx body.
 */
function reply(res: RawResponse, statusCode: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
	res.writeHead(statusCode, { 'Content-Type': contentType });
	res.end(body);
}

function replyError(res: RawResponse, statusCode: number, error: string): void {
	reply(res, statusCode, JSON.stringify({ error }), 'application/json; charset=utf-8');
}

/**
 * One callback request: token check, then decoding, then the events the user chose. The token comes first, so
 * that a stranger learns nothing about what the node accepts. Only a body that cannot be decoded at all is
 * refused (400): anything else is acknowledged, and what the node does not recognise reaches the workflow as an
 * `unknown` event, since Agile Telecom drops a callback that was refused three times.
 */
export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject() as RawResponse;
	const token = await expectedToken(this);
	if (token !== undefined && !tokenMatches(token, receivedToken(this.getQueryData(), this.getHeaderData()))) {
		replyError(res, 401, 'Missing or wrong token');
		return { noWebhookResponse: true };
	}

	let decoded: DecodedBody | undefined;
	let problem: unknown;
	try {
		decoded = decodeBody(this.getBodyData() as unknown, (this.getRequestObject() as RawRequest).rawBody);
	} catch (error) {
		problem = error;
	}
	if (decoded === undefined) {
		if (!(problem instanceof UndecodableBodyError)) throw new NodeOperationError(this.getNode(), problem as Error);
		replyError(res, 400, `Not an Agile Telecom callback: ${problem.message}`);
		return { noWebhookResponse: true };
	}
	// An empty POST carries nothing to lose; answering it lets a portal check that the URL is reachable.
	const events = decoded.kind === 'empty' ? [] : parseEvents(decoded.value, { inboundTimeZone: inboundTimeZone(this) });

	const wanted = new Set(this.getNodeParameter('events', ALL_EVENTS) as string[]);
	const selected = events.filter((event) => wanted.has(eventCategory(event)));
	reply(res, 200, '+OK');
	if (selected.length === 0) return { noWebhookResponse: true };
	return {
		noWebhookResponse: true,
		workflowData: [this.helpers.returnJsonArray(selected as unknown as IDataObject[])],
	};
}
