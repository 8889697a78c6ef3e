import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { ALL_EVENTS, CallbackFormatError, decodeBody, eventCategory, parseEvents, type AgileEvent } from './helpers/parse';
import { createWebhook, deleteWebhook, webhookExists } from './helpers/registration';
import { receivedToken, tokenMatches } from './helpers/token';

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

export class AgileTelecomTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agile Telecom Trigger',
		name: 'agileTelecomTrigger',
		icon: { light: 'file:../AgileTelecom/agileTelecom.svg', dark: 'file:../AgileTelecom/agileTelecom.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow on Agile Telecom delivery reports, read receipts and inbound SMS',
		defaults: { name: 'Agile Telecom Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'agileTelecomApi',
				required: true,
				// Only registration calls the API; receiving callbacks needs no credential.
				displayOptions: { show: { registerWebhook: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Agile Telecom calls the Production URL above once the workflow is active. Wholesale and legacy accounts: paste it in the portal (Settings → Webhooks for delivery reports, Numbers → Inbound for inbound SMS). Qlara: turn on Register Webhook Automatically, or paste it in the Qlara portal. With a Secret Token, append ?token=YOUR_TOKEN to the URL you paste.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [...ALL_EVENTS],
				description: 'Which callbacks start the workflow. The others are acknowledged and ignored.',
				options: [
					{
						name: 'Delivered',
						value: 'delivered',
						description: 'The handset confirmed the message',
					},
					{
						name: 'Expired',
						value: 'expired',
						description: 'The validity period elapsed before delivery',
					},
					{
						name: 'Failed or Undelivered',
						value: 'failed',
						description: 'Rejected, undeliverable, not delivered or failed: final, no further report follows',
					},
					{
						name: 'Inbound Message',
						value: 'inbound',
						description: 'An SMS sent to the account\'s number, or a Qlara INBOUND event',
					},
					{
						name: 'Other Status',
						value: 'otherStatus',
						description: 'Intermediate or unknown states: buffered, sent, received, unknown, undocumented codes',
					},
					{
						name: 'Read',
						value: 'read',
						description: 'A Qlara READ event (WhatsApp and RCS only)',
					},
				],
			},
			{
				displayName: 'Secret Token',
				name: 'secretToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'Agile Telecom does not sign its callbacks. When set, a request must carry this value as the ?token= query parameter or the X-Webhook-Token header, or it is refused with 401 and starts nothing.',
			},
			{
				displayName: 'Register Webhook Automatically (Qlara)',
				name: 'registerWebhook',
				type: 'boolean',
				default: false,
				description:
					'Whether to register the Production URL as the Qlara delivery-status webhook when the workflow is activated, and remove it when it is deactivated. Needs an Agile Telecom API credential of a Qlara account.',
			},
			{
				displayName: 'Replace Existing Webhook',
				name: 'replaceExistingWebhook',
				type: 'boolean',
				default: false,
				description:
					'Whether to take over a delivery-status webhook this node did not create. Qlara allows one per account: the other URL stops receiving events and is not restored on deactivation.',
				displayOptions: { show: { registerWebhook: [true] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Inbound Time Zone',
						name: 'inboundTimeZone',
						type: 'string',
						default: 'Europe/Rome',
						description:
							'Time zone of the date_time of an inbound SMS, which Agile Telecom sends without one. Received At is given in UTC.',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await webhookExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createWebhook.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteWebhook.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject() as RawResponse;
		const secretToken = this.getNodeParameter('secretToken', '') as string;
		if (secretToken && !tokenMatches(secretToken, receivedToken(this.getQueryData(), this.getHeaderData()))) {
			replyError(res, 401, 'Missing or wrong token');
			return { noWebhookResponse: true };
		}

		const options = this.getNodeParameter('options', {}) as IDataObject;
		const inboundTimeZone = (options.inboundTimeZone as string | undefined) || 'Europe/Rome';
		const rawBody = (this.getRequestObject() as RawRequest).rawBody?.toString('utf8');
		let events: AgileEvent[];
		try {
			events = parseEvents(decodeBody(this.getBodyData() as unknown, rawBody), { inboundTimeZone });
		} catch (error) {
			if (!(error instanceof CallbackFormatError)) throw new NodeOperationError(this.getNode(), error as Error);
			replyError(res, 400, `Not an Agile Telecom callback: ${error.message}`);
			return { noWebhookResponse: true };
		}

		const wanted = new Set(this.getNodeParameter('events', ALL_EVENTS) as string[]);
		const selected = events.filter((event) => wanted.has(eventCategory(event)));
		reply(res, 200, '+OK');
		if (selected.length === 0) return { noWebhookResponse: true };
		return {
			noWebhookResponse: true,
			workflowData: [this.helpers.returnJsonArray(selected as unknown as IDataObject[])],
		};
	}
}
