/** The user's Retry settings (descriptions/retry.ts), in milliseconds. */
export interface RetrySettings {
	retryOnRateLimit: boolean;
	maxRetries: number;
	initialDelay: number;
	maxDelay: number;
	retryOnServerErrors: boolean;
}

export const DEFAULT_RETRY: RetrySettings = {
	retryOnRateLimit: true,
	maxRetries: 3,
	initialDelay: 1000,
	maxDelay: 60000,
	retryOnServerErrors: false,
};

export const MAX_RETRIES_LIMIT = 10;

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

/**
 * How long the server asked us to wait, in ms, or undefined when it did not say.
 * Order (issue #5): `Retry-After` (seconds or HTTP date), Qlara's `retryAfter` body field (seconds),
 * then `X-RateLimit-Reset` (epoch seconds, epoch ms, or seconds from now — all three exist in the wild).
 */
export function serverRequestedWait(headers: Headers | undefined, body: unknown, now = Date.now()): number | undefined {
	const retryAfter = header(headers, 'retry-after')?.trim();
	if (retryAfter) {
		if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	if (body && typeof body === 'object' && 'retryAfter' in body) {
		const seconds = Number((body as { retryAfter: unknown }).retryAfter);
		if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
	}
	const reset = Number(header(headers, 'x-ratelimit-reset'));
	if (Number.isFinite(reset) && reset > 0) {
		if (reset > 1e12) return Math.max(0, reset - now);
		if (reset > 1e9) return Math.max(0, reset * 1000 - now);
		return Math.ceil(reset * 1000);
	}
	return undefined;
}

/** A wait as people read it: sub-second waits in ms (Retry-After may be fractional), else seconds. */
export function formatWait(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Exponential backoff with "equal jitter": never below half the step, so waits still grow. */
export function backoffDelay(retryNumber: number, settings: RetrySettings, random = Math.random): number {
	const step = Math.min(settings.maxDelay, settings.initialDelay * 2 ** Math.max(0, retryNumber - 1));
	return Math.round(step / 2 + (random() * step) / 2);
}

export function clampRetrySettings(raw: Partial<RetrySettings>): RetrySettings {
	const s = { ...DEFAULT_RETRY, ...raw };
	return {
		retryOnRateLimit: Boolean(s.retryOnRateLimit),
		retryOnServerErrors: Boolean(s.retryOnServerErrors),
		maxRetries: Math.min(MAX_RETRIES_LIMIT, Math.max(0, Math.floor(Number(s.maxRetries) || 0))),
		initialDelay: Math.max(0, Number(s.initialDelay) || 0),
		maxDelay: Math.max(0, Number(s.maxDelay) || 0),
	};
}
