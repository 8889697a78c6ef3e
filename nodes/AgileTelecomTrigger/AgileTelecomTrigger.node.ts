import type {
	IHookFunctions,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { receiveCallback } from './helpers/receive';
import { createWebhook, deleteWebhook, webhookExists } from './helpers/registration';
import { ALL_EVENTS } from './helpers/parse';
import { assertActivatable, testWebhookToken } from './helpers/settings';

const NO_TOKEN_WARNING =
	'No token is checked: anyone who learns this URL can start the workflow. If the workflow answers inbound SMS, strangers can make your account send SMS at your cost (SMS pumping). Set Authentication to Token From Credential.';

const NO_AUTHENTICATION: INodePropertyOptions = { name: 'None', value: 'none', description: 'Any request to the URL starts the workflow' };
const TOKEN_CREDENTIAL: INodePropertyOptions = {
	name: 'Token From Credential',
	value: 'tokenCredential',
	description: 'Requests must carry the token of an Agile Telecom Webhook credential',
};
const SECRET_TOKEN_FIELD: INodePropertyOptions = {
	name: 'Secret Token Field (Deprecated)',
	value: 'secretTokenField',
	description: 'The token typed into this node, which is saved in the workflow and exported with it',
};

/** The same parameter for each version; only its choices and default differ (a property per version is n8n's way). */
function authenticationFor(
	versions: NonNullable<INodeProperties['displayOptions']>['show'],
	options: INodePropertyOptions[],
	defaultValue: string,
): INodeProperties {
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options,
		default: defaultValue,
		description: 'How a request proves it comes from Agile Telecom, which does not sign its callbacks',
		displayOptions: { show: versions },
	};
}

/**
 * Version 1.1 keeps the webhook token in a credential by default. Version 1 workflows keep their Secret Token
 * field, which stays visible (n8n drops hidden parameters when it saves a workflow, and with them the check).
 */
const authentication: INodeProperties[] = [
	authenticationFor({ '@version': [{ _cnd: { gte: 1.1 } }] }, [NO_AUTHENTICATION, TOKEN_CREDENTIAL], 'tokenCredential'),
	// Version 1 nodes saved before 1.1 have no Authentication parameter: their default keeps the Secret Token field.
	authenticationFor({ '@version': [1] }, [NO_AUTHENTICATION, SECRET_TOKEN_FIELD, TOKEN_CREDENTIAL], 'secretTokenField'),
	{
		displayName: 'Secret Token',
		name: 'secretToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			'Deprecated: this field is saved in the workflow and exported with it. Create an Agile Telecom Webhook credential with the same token and set Authentication to Token From Credential; the URL you gave Agile Telecom keeps working. A request must carry the token as ?token= or the X-Webhook-Token header, or it is refused with 401.',
		displayOptions: { show: { '@version': [1], authentication: ['secretTokenField'] } },
	},
	{
		displayName: NO_TOKEN_WARNING,
		name: 'noTokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: NO_TOKEN_WARNING,
		name: 'emptySecretTokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { '@version': [1], authentication: ['secretTokenField'], secretToken: [''] } },
	},
];

const events: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	default: [...ALL_EVENTS],
	description: 'Which callbacks start the workflow. The others are acknowledged and ignored.',
	options: [
		{ name: 'Delivered', value: 'delivered', description: 'The handset confirmed the message' },
		{ name: 'Expired', value: 'expired', description: 'The validity period elapsed before delivery' },
		{
			name: 'Failed or Undelivered',
			value: 'failed',
			description: 'Rejected, undeliverable, not delivered or failed: final, no further report follows',
		},
		{ name: 'Inbound Message', value: 'inbound', description: "An SMS sent to the account's number, or a Qlara INBOUND event" },
		{
			name: 'Other Status',
			value: 'otherStatus',
			description: 'Buffered, sent, received, unknown (final: no outcome within the validity period), undocumented codes',
		},
		{ name: 'Read', value: 'read', description: 'A Qlara READ event (WhatsApp and RCS only)' },
		{
			name: 'Unrecognized Callback',
			value: 'unknown',
			description:
				'A well-formed callback of no documented format or event type (a new Qlara event, a legacy delivery report): event "unknown" with the body in raw',
		},
	],
};

export class AgileTelecomTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agile Telecom Trigger',
		name: 'agileTelecomTrigger',
		icon: { light: 'file:../AgileTelecom/agileTelecom.svg', dark: 'file:../AgileTelecom/agileTelecom.dark.svg' },
		group: ['trigger'],
		version: [1, 1.1],
		defaultVersion: 1.1,
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
			{
				// A literal (= WEBHOOK_CREDENTIAL): n8n's lint finds `testedBy` only next to a literal name.
				name: 'agileTelecomWebhookApi',
				required: true,
				testedBy: 'agileTelecomWebhookTokenTest',
				displayOptions: { show: { authentication: ['tokenCredential'] } },
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
					'Agile Telecom calls the Production URL above once the workflow is active. Wholesale and legacy accounts: paste it in the portal (Settings → Webhooks for delivery reports, Numbers → Inbound for inbound SMS). Qlara: turn on Register Webhook Automatically, or paste it in the Qlara portal. With a token, add ?token=YOUR_TOKEN to the URL you paste.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			...authentication,
			events,
			{
				displayName: 'Register Webhook Automatically (Qlara)',
				name: 'registerWebhook',
				type: 'boolean',
				default: false,
				description:
					'Whether to register the Production URL (with the token) as the Qlara delivery-status webhook when the workflow is activated, and remove it when it is deactivated. Needs an Agile Telecom API credential of a Qlara account.',
			},
			{
				displayName: 'Replace Existing Webhook',
				name: 'replaceExistingWebhook',
				type: 'boolean',
				default: false,
				description:
					"Whether to take over a delivery-status webhook this node did not create. Qlara allows one per account: the other URL stops receiving events and is not restored on deactivation. Listening for a test event never takes over this workflow's own production webhook.",
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
						// A literal because n8n's lint reads defaults statically; equals DEFAULT_INBOUND_TIME_ZONE.
						default: 'Europe/Rome',
						placeholder: 'e.g. Europe/Rome',
						description:
							'IANA time zone of the date_time of an inbound SMS, which Agile Telecom sends without one. Checked when the workflow is activated. Received At is given in UTC.',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			agileTelecomWebhookTokenTest: testWebhookToken,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await assertActivatable(this);
				return await webhookExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await assertActivatable(this);
				return await createWebhook.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteWebhook.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback.call(this);
	}
}
