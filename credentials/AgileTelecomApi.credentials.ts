import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { PLATFORM_HOSTS, baseUrlProblem } from '../nodes/AgileTelecom/transport/endpoints';
import { STATUS_TEXTS } from '../nodes/AgileTelecom/transport/errors';

// The same texts the node shows for these statuses, so the Test button and a failed send agree.
function testMessage(status: 401 | 403 | 404): string {
	const { what, todo } = STATUS_TEXTS[status];
	return `${what} (HTTP ${status}). ${todo}`;
}

// Built from PLATFORM_HOSTS so the connection test and the node can never disagree on a host.
const testBaseUrl = `={{ $credentials.platform === "custom" ? String($credentials.baseUrl).replace(/\\/+$/, "") : ${JSON.stringify(PLATFORM_HOSTS)}[$credentials.platform] }}`;
const testCreditPath =
	'={{ ($credentials.platform === "qlara" || ($credentials.platform === "custom" && $credentials.customApiFormat === "qlara")) ? "/api/services/sms/credit" : "/services/sms/credit" }}';

const properties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authType',
		type: 'options',
		options: [
			{
				name: 'API Key',
				value: 'apiKey',
				description: 'Sent as the X-Api-Key header. Recommended by Agile Telecom.',
			},
			{
				name: 'Basic Auth',
				value: 'basicAuth',
				description: 'Username and password of the account\'s HTTP credentials',
			},
		],
		default: 'apiKey',
	},
	{
		displayName: 'API Key',
		name: 'apiKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description: 'Create one in the Agile Telecom or Qlara portal under Settings → API Keys. It is shown only once.',
		displayOptions: { show: { authType: ['apiKey'] } },
	},
	{
		displayName: 'Username',
		name: 'username',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { authType: ['basicAuth'] } },
	},
	{
		displayName: 'Password',
		name: 'password',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		displayOptions: { show: { authType: ['basicAuth'] } },
	},
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'options',
		options: [
			{
				name: 'Wholesale (wholesale.agiletelecom.com)',
				value: 'wholesale',
			},
			{
				name: 'Legacy (secure.agiletelecom.com)',
				value: 'secure',
				description: 'Accounts created before the new HTTP API',
			},
			{
				name: 'Legacy, New Customers (http-api.agiletelecom.com)',
				value: 'httpApi',
			},
			{
				name: 'Qlara (lora-api.agiletelecom.com)',
				value: 'qlara',
			},
			{
				name: 'Custom URL',
				value: 'custom',
				description: 'A proxy, or the bundled sandbox for testing',
			},
		],
		default: 'wholesale',
		description:
			'Which Agile Telecom platform the account belongs to. A wrong platform answers 404. Qlara single sends and delivery status always go to lora-api.agiletelecom.com unless a custom URL is set.',
	},
	{
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://sms-proxy.example.com',
		required: true,
		description:
			'Root URL of the server, without /services or /api. Must be https:// (http:// is accepted only for 127.0.0.1, localhost and ::1).',
		displayOptions: { show: { platform: ['custom'] } },
	},
	{
		displayName: 'API Format',
		name: 'customApiFormat',
		type: 'options',
		options: [
			{
				name: 'Agile Telecom REST (/services/…)',
				value: 'agile',
			},
			{
				name: 'Qlara (/api/services/…)',
				value: 'qlara',
			},
		],
		default: 'agile',
		description: 'Which path layout the custom server uses for batch sends and the credit check',
		displayOptions: { show: { platform: ['custom'] } },
	},
];

export class AgileTelecomApi implements ICredentialType {
	name = 'agileTelecomApi';

	displayName = 'Agile Telecom API';

	icon: Icon = {
		light: 'file:../nodes/AgileTelecom/agileTelecom.svg',
		dark: 'file:../nodes/AgileTelecom/agileTelecom.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-agiletelecom/n8n-nodes-agiletelecom#credentials';

	properties = properties;

	/**
	 * A function rather than the generic form: the generic form assigns every listed header and `auth`
	 * entry, so one credential could not send an API key header in one mode and only Basic auth in the other.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// n8n's HTTP Request node, with this as a predefined credential type, passes the address as `uri` (the
		// legacy request options), not `url`.
		const address = requestOptions.url ?? (requestOptions as { uri?: unknown }).uri ?? '';
		const target = requestOptions.baseURL
			? `${requestOptions.baseURL.replace(/\/+$/, '')}/${String(address).replace(/^\/+/, '')}`
			: String(address);
		const problem = baseUrlProblem(target);
		if (problem) throw new Error(problem);

		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(requestOptions.headers ?? {})) {
			const lower = name.toLowerCase();
			if (lower === 'x-api-key' || lower === 'authorization') continue;
			headers[name] = String(value);
		}
		if (credentials.authType === 'basicAuth') {
			return {
				...requestOptions,
				headers,
				auth: { username: String(credentials.username ?? ''), password: String(credentials.password ?? '') },
			};
		}
		const { auth: _ignored, ...withoutAuth } = requestOptions;
		void _ignored;
		return { ...withoutAuth, headers: { ...headers, 'X-Api-Key': String(credentials.apiKey ?? '') } };
	}

	// A read-only balance query: the connection test must never send an SMS.
	test: ICredentialTestRequest = {
		request: {
			baseURL: testBaseUrl,
			url: testCreditPath,
			method: 'GET',
			headers: { Accept: 'application/json' },
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: testMessage(401) } },
			{ type: 'responseCode', properties: { value: 403, message: testMessage(403) } },
			{ type: 'responseCode', properties: { value: 404, message: testMessage(404) } },
		],
	};
}
