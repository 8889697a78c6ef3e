import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** The documented hosts (agile-api.md §1). */
export const PLATFORM_HOSTS = {
	wholesale: 'https://wholesale.agiletelecom.com',
	secure: 'https://secure.agiletelecom.com',
	httpApi: 'https://http-api.agiletelecom.com',
	qlara: 'https://lora-api.agiletelecom.com',
} as const;

/** The number portability host is the same for every account type; Qlara has no MNP endpoint (agile-api.md §15). */
export const MNP_HOST = 'https://mnp.agiletelecom.com';
const MNP_LOOKUP_PATH = '/services/mnp/number-lookup';

export type Platform = keyof typeof PLATFORM_HOSTS | 'custom';

/** How the credential names each platform; error messages quote the same words. */
export const PLATFORM_NAMES: Record<Platform, string> = {
	wholesale: 'Wholesale (wholesale.agiletelecom.com)',
	secure: 'Legacy (secure.agiletelecom.com)',
	httpApi: 'Legacy, New Customers (http-api.agiletelecom.com)',
	qlara: 'Qlara (lora-api.agiletelecom.com)',
	custom: 'Custom URL',
};

/**
 * `agile`: the legacy/wholesale REST family (`/services/…`).
 * `qlara`: lora-api, where the same `messages[]` format lives under `/api/services/…`.
 */
export type ApiFormat = 'agile' | 'qlara';

export interface Endpoints {
	platform: Platform;
	/** The host root every path below is appended to, without a trailing slash. */
	baseUrl: string;
	/**
	 * Also tells whether the account is a Qlara account: `qlara` for the Qlara platform and for a custom URL
	 * whose API Format is Qlara (see `qlaraAccount`).
	 */
	format: ApiFormat;
	/** `messages[]` batch send (wholesale, legacy hosts, or Qlara's legacy format). */
	batchSend: string;
	/** Read-only balance in the `messages[]` family: `{ credit }`. */
	credit: string;
	/** The root Qlara-only calls go to (single send, partner gateway). */
	qlaraBaseUrl: string;
	qlaraSend: string;
	qlaraSubscriptionCredit: string;
	qlaraMessageStatus: string;
	qlaraDeliveryWebhook: string;
	/** `GET …?msisdn=` number portability lookup (agile-api.md §15). */
	mnpLookup: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Returns why a base URL cannot be used, or undefined when it can.
 * Plain HTTP is refused because Agile Telecom accepts only TLS since 15 January 2026 and an API key must
 * never travel in clear text; loopback stays allowed for the bundled sandbox and tests.
 */
export function baseUrlProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a valid URL. Use the form https://host.example.com`;
	}
	if (parsed.protocol === 'https:') return undefined;
	if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
	if (parsed.protocol === 'http:') {
		return `Plain http:// is refused for ${parsed.host}: Agile Telecom accepts only HTTPS, and the API key or password would travel unencrypted. Use https:// (http:// is allowed only for 127.0.0.1, localhost and ::1, for local testing).`;
	}
	return `Unsupported URL scheme "${parsed.protocol}" in "${url}". Use https://`;
}

function trimSlashes(url: string): string {
	return url.replace(/\/+$/, '');
}

export function resolveEndpoints(credentials: ICredentialDataDecryptedObject): Endpoints {
	// The credential's default; an unknown value (a hand-edited export) is read the same way.
	const platform = Object.keys(PLATFORM_NAMES).includes(String(credentials.platform)) ? (credentials.platform as Platform) : 'wholesale';
	let baseUrl: string;
	let format: ApiFormat;
	if (platform === 'custom') {
		baseUrl = trimSlashes(String(credentials.baseUrl ?? ''));
		format = credentials.customApiFormat === 'qlara' ? 'qlara' : 'agile';
	} else {
		baseUrl = PLATFORM_HOSTS[platform];
		format = platform === 'qlara' ? 'qlara' : 'agile';
	}
	// Qlara-only calls have a single production host; a custom URL (sandbox, proxy) serves them too.
	const qlaraBaseUrl = platform === 'custom' ? baseUrl : PLATFORM_HOSTS.qlara;
	const servicesPrefix = format === 'qlara' ? '/api/services' : '/services';
	return {
		platform,
		baseUrl,
		format,
		batchSend: `${baseUrl}${servicesPrefix}/sms/send`,
		credit: `${baseUrl}${servicesPrefix}/sms/credit`,
		qlaraBaseUrl,
		qlaraSend: `${qlaraBaseUrl}/api/message-server/sms/send`,
		// The path order differs from the status endpoints on purpose: that is how Qlara documents them (§5, §7).
		qlaraSubscriptionCredit: `${qlaraBaseUrl}/api/v1/partner-gateway/subscription/credit`,
		qlaraMessageStatus: `${qlaraBaseUrl}/api/partner-gateway/v1/messages/status`,
		qlaraDeliveryWebhook: `${qlaraBaseUrl}/api/partner-gateway/v1/webhooks/delivery-status`,
		// Like the Qlara-only calls: one production host, and a custom URL (sandbox, proxy) serves it too.
		mnpLookup: `${platform === 'custom' ? baseUrl : MNP_HOST}${MNP_LOOKUP_PATH}`,
	};
}

/**
 * Single send, delivery status and webhook registration exist only on Qlara: a wholesale or legacy key sent there
 * is refused with a 401 that blames the key. A custom URL counts as Qlara only with API Format "Qlara": the format
 * is how the credential says which Agile Telecom API sits behind the URL (a proxy of a wholesale account has no
 * Qlara endpoints, even though the bundled sandbox happens to serve every path on one host).
 */
export function qlaraAccount(endpoints: Endpoints): boolean {
	return endpoints.format === 'qlara';
}
