/** The pure parts of the retry policy, table-driven: how a server's wait is read and how backoff grows. */
import { DEFAULT_RETRY, backoffDelay, serverRequestedWait } from '../../../../nodes/AgileTelecom/transport/retry';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('serverRequestedWait', () => {
	it.each([
		['Retry-After seconds', { 'Retry-After': '12' }, undefined, 12000],
		['Retry-After fractional seconds', { 'retry-after': '0.25' }, undefined, 250],
		['Retry-After HTTP date', { 'Retry-After': 'Mon, 23 Nov 2026 12:00:05 GMT' }, undefined, 5000],
		['Retry-After HTTP date in the past', { 'Retry-After': 'Mon, 23 Nov 2026 11:59:00 GMT' }, undefined, 0],
		['Qlara body retryAfter', {}, { status: 429, retryAfter: 12 }, 12000],
		['X-RateLimit-Reset seconds from now', { 'X-RateLimit-Reset': '30' }, undefined, 30000],
		['X-RateLimit-Reset epoch seconds', { 'X-RateLimit-Reset': String(NOW / 1000 + 7) }, undefined, 7000],
		['X-RateLimit-Reset epoch milliseconds', { 'X-RateLimit-Reset': String(NOW + 1500) }, undefined, 1500],
		['header beats body', { 'Retry-After': '2' }, { retryAfter: 9 }, 2000],
		['body beats X-RateLimit-Reset', { 'X-RateLimit-Reset': '30' }, { retryAfter: 3 }, 3000],
		['nothing said', { 'X-RateLimit-Remaining': '0' }, { message: 'slow down' }, undefined],
		['unparseable Retry-After falls through', { 'Retry-After': 'soon' }, { retryAfter: 4 }, 4000],
	])('%s', (_label, headers, body, expected) => {
		expect(serverRequestedWait(headers, body, NOW)).toBe(expected);
	});
});

describe('backoffDelay (equal jitter: between half and all of the step, capped at Max Delay)', () => {
	const settings = { ...DEFAULT_RETRY, initialDelay: 1000, maxDelay: 5000 };

	it.each([
		[1, 500, 1000],
		[2, 1000, 2000],
		[3, 2000, 4000],
		[4, 2500, 5000],
		[8, 2500, 5000],
	])('retry %i waits %i–%i ms', (retry, low, high) => {
		expect(backoffDelay(retry, settings, () => 0)).toBe(low);
		expect(backoffDelay(retry, settings, () => 0.999999)).toBe(high);
		const any = backoffDelay(retry, settings);
		expect(any).toBeGreaterThanOrEqual(low);
		expect(any).toBeLessThanOrEqual(high);
	});
});
