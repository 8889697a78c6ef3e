import { createHash, timingSafeEqual } from 'crypto';

/** Query parameter and header that may carry the shared secret (Agile Telecom documents no signature). */
export const TOKEN_QUERY_PARAMETER = 'token';
export const TOKEN_HEADER = 'x-webhook-token';

function digest(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Constant-time comparison. Both sides are hashed first so that timingSafeEqual always compares equal
 * lengths and the time taken reveals neither the secret's length nor how much of it matched.
 */
export function tokenMatches(expected: string, received: unknown): boolean {
	if (typeof received !== 'string') return false;
	return timingSafeEqual(digest(expected), digest(received));
}

/** The token a request carries: the `?token=` query parameter, else the `X-Webhook-Token` header. */
export function receivedToken(query: unknown, headers: Record<string, string | string[] | undefined>): string | undefined {
	const fromQuery =
		query && typeof query === 'object' ? (query as Record<string, unknown>)[TOKEN_QUERY_PARAMETER] : undefined;
	const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
	const q = first(fromQuery);
	if (typeof q === 'string' && q !== '') return q;
	const h = first(headers[TOKEN_HEADER]);
	return typeof h === 'string' && h !== '' ? h : undefined;
}

/** The URL Agile Telecom must call: the webhook URL with the token as query parameter when one is set. */
export function callbackUrlWithToken(webhookUrl: string, secretToken: string): string {
	if (!secretToken) return webhookUrl;
	const url = new URL(webhookUrl);
	url.searchParams.set(TOKEN_QUERY_PARAMETER, secretToken);
	return url.toString();
}

/** A URL safe to show in an error: no query string (another integration may keep its own token there). */
export function withoutQuery(url: string): string {
	if (!URL.canParse(url)) return '(not a valid URL)';
	const parsed = new URL(url);
	return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** Stored instead of the registered URL, which may contain the secret token (static data is exported with the workflow). */
export function fingerprint(url: string): string {
	return digest(url).toString('hex');
}
