import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { PLATFORM_HOSTS, PLATFORM_NAMES, baseUrlProblem } from '../nodes/AgileTelecom/transport/endpoints';
import { JSEND_CODES, STATUS_TEXTS, statusText } from '../nodes/AgileTelecom/transport/errors';

// The same texts the node shows for these statuses, so the Test button and a failed send agree.
function testMessage(status: 401 | 403 | 404): string {
	const { what, todo } = STATUS_TEXTS[status];
	return `${what} (HTTP ${status}). ${todo}`;
}

/** What the node says for a JSend error inside a 2xx of a read (transport/errors.ts apiError), for the Test button. */
function jsendTestMessage(code: number): string {
	const { meaning, status } = JSEND_CODES[code];
	const { what, todo } = statusText(status, true);
	return `${what} (HTTP 200), error code ${code}: ${meaning}. ${todo}`;
}

const statusRules: IAuthenticateRuleResponseCode[] = ([401, 403, 404] as const).map((status) => ({
	type: 'responseCode',
	properties: { value: status, message: testMessage(status) },
}));

/**
 * The legacy credit endpoint may answer an error as a JSend body with HTTP 200 (agile-api.md §3.3, §5): n8n's
 * tester would call that a success. n8n applies the first rule whose `key` has exactly `value`, so the known
 * codes come first and any other JSend error last.
 */
const jsendRules: IAuthenticateRuleResponseSuccessBody[] = [
	...Object.keys(JSEND_CODES).map((code) => ({
		type: 'responseSuccessBody' as const,
		properties: { key: 'code', value: Number(code), message: jsendTestMessage(Number(code)) },
	})),
	...(['error', 'fail'] as const).map((status) => ({
		type: 'responseSuccessBody' as const,
		properties: {
			key: 'status',
			value: status,
			message: `Agile Telecom answered the credit check with a JSend "${status}" (HTTP 200) and no known error code. Check the Platform and the API key or username and password; if they are right, try again later.`,
		},
	})),
];

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
				name: PLATFORM_NAMES.wholesale,
				value: 'wholesale',
			},
			{
				name: PLATFORM_NAMES.secure,
				value: 'secure',
				description: 'Accounts created before the new HTTP API',
			},
			{
				name: PLATFORM_NAMES.httpApi,
				value: 'httpApi',
			},
			{
				name: PLATFORM_NAMES.qlara,
				value: 'qlara',
			},
			{
				name: PLATFORM_NAMES.custom,
				value: 'custom',
				description: 'A proxy, or the bundled sandbox for testing',
			},
		],
		default: 'wholesale',
		description:
			'Which Agile Telecom platform the account belongs to. A wrong platform answers 404. Send (Qlara), Get Status and the trigger\'s webhook registration need a Qlara account; they go to lora-api.agiletelecom.com (or the custom URL).',
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
		description:
			'Which Agile Telecom API the custom URL leads to: the paths of batch sends and the credit check, and, with Qlara, Send (Qlara), Get Status and webhook registration, which need a Qlara account',
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
		// n8n reads both kinds from one list (status rules for a failed request, body rules for a 2xx); the
		// interface types the list as one kind or the other, hence the cast.
		rules: [...statusRules, ...jsendRules] as IAuthenticateRuleResponseCode[],
	};
}
