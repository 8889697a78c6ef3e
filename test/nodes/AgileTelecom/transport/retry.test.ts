/**
 * Retry behaviour of agileRequest (issue #5), through real HTTP against the sandbox inside a real n8n-core
 * ExecuteContext. Server-requested waits are kept sub-second (Retry-After accepts fractional seconds) except where
 * the form itself is second-granular (HTTP date, integer seconds).
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { getRetrySettings, retryFields } from '../../../../nodes/AgileTelecom/descriptions/retry';
import {
	agileRequest,
	getConnection,
	type AgileRequest,
	type AgileResponse,
} from '../../../../nodes/AgileTelecom/transport/request';
import { DEFAULT_RETRY, type RetrySettings } from '../../../../nodes/AgileTelecom/transport/retry';
import { sandboxCredentials, waitFor } from '../../../harness';
import { useSandbox } from '../../../sandbox/lifecycle';
import { startSandbox, type RecordedRequest } from '../../../sandbox/server';
import { countingCredential, inContext } from './probe';

const sandbox = useSandbox();

const SEND = '/services/sms/send';
const CREDIT = '/services/sms/credit';
const QLARA_SEND = '/api/services/sms/send';

/** A tiny initial delay: any wait measured above it can only come from what the server asked for. */
const FAST: RetrySettings = { ...DEFAULT_RETRY, initialDelay: 1 };

function batchBody(id: string): IDataObject {
	return {
		globalId: `g-${id}`,
		messages: [{ destinations: ['+393351234567'], ids: [id], sender: 'Agile', body: `hello ${id}` }],
	};
}

type Outcome = { response?: AgileResponse; error?: unknown; elapsedMs: number };

async function call(
	request: Partial<AgileRequest> & { path: string },
	options: { baseUrl?: string; abortSignal?: AbortSignal; counter?: ReturnType<typeof countingCredential> } = {},
): Promise<Outcome> {
	const baseUrl = options.baseUrl ?? sandbox.url;
	const { path, ...rest } = request;
	return await inContext(
		{
			credentials: sandboxCredentials(baseUrl),
			abortSignal: options.abortSignal,
			credentialType: options.counter?.type,
		},
		async (ctx) => {
			const connection = await getConnection(ctx);
			const started = Date.now();
			try {
				const response = await agileRequest(ctx, connection, {
					method: 'POST',
					url: `${baseUrl}${path}`,
					kind: 'send',
					retry: FAST,
					...rest,
				});
				return { response, elapsedMs: Date.now() - started };
			} catch (error) {
				return { error, elapsedMs: Date.now() - started };
			}
		},
	);
}

/** Gaps between consecutive arrivals at the sandbox: each includes the client's wait. */
function gaps(requests: RecordedRequest[]): number[] {
	return requests.slice(1).map((r, i) => r.receivedAt - requests[i].receivedAt);
}

const tooMany = (extra: IDataObject = {}) => ({
	status: 429,
	error: 'Too Many Requests',
	message: 'Rate limit exceeded.',
	...extra,
});

describe('429: waits as long as the server asks, then succeeds', () => {
	it('Retry-After in seconds (fractional), twice → success after exactly 3 requests, same body each time', async () => {
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': '0.25' }, body: tooMany(), times: 2 }]);
		const { response, error } = await call({ path: SEND, body: batchBody('ra-1') });
		expect(error).toBeUndefined();
		expect(response?.statusCode).toBe(200);
		expect(response?.attempts).toBe(3);
		const sent = sandbox.requestsTo(SEND);
		expect(sent.map((r) => r.status)).toEqual([429, 429, 200]);
		for (const gap of gaps(sent)) expect(gap).toBeGreaterThanOrEqual(250);
		for (const r of sent) expect(r.body).toEqual(batchBody('ra-1'));
		expect(sandbox.deliveries.get('ra-1')).toBe(1);
	});

	it('Retry-After in whole seconds', async () => {
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': '1' }, body: tooMany() }]);
		const { response } = await call({ path: SEND, body: batchBody('ra-2') });
		expect(response?.attempts).toBe(2);
		const sent = sandbox.requestsTo(SEND);
		expect(gaps(sent)[0]).toBeGreaterThanOrEqual(1000);
		expect(sandbox.deliveries.get('ra-2')).toBe(1);
	});

	it('Retry-After as an HTTP date: the retry does not arrive before that date', async () => {
		// HTTP dates have whole seconds: the next whole second at least 1 s ahead.
		const date = new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000);
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': date.toUTCString() }, body: tooMany() }]);
		const { response } = await call({ path: SEND, body: batchBody('ra-3') });
		expect(response?.attempts).toBe(2);
		const sent = sandbox.requestsTo(SEND);
		expect(sent).toHaveLength(2);
		expect(sent[1].receivedAt).toBeGreaterThanOrEqual(date.getTime());
		expect(sandbox.deliveries.get('ra-3')).toBe(1);
	});

	it("Qlara's retryAfter body field, twice → 3 requests, each wait at least that long", async () => {
		sandbox.injectFaults([{ path: QLARA_SEND, status: 429, body: tooMany({ retryAfter: 0.2 }), times: 2 }]);
		const { response } = await call({ path: QLARA_SEND, body: batchBody('ra-4') });
		expect(response?.attempts).toBe(3);
		const sent = sandbox.requestsTo(QLARA_SEND);
		expect(sent.map((r) => r.status)).toEqual([429, 429, 200]);
		for (const gap of gaps(sent)) expect(gap).toBeGreaterThanOrEqual(200);
		expect(sandbox.deliveries.get('ra-4')).toBe(1);
	});

	it('X-RateLimit-Reset as seconds from now and as epoch milliseconds', async () => {
		sandbox.injectFaults([
			{ path: SEND, status: 429, headers: { 'X-RateLimit-Reset': '0.2' }, body: tooMany() },
		]);
		const first = await call({ path: SEND, body: batchBody('ra-5') });
		expect(first.response?.attempts).toBe(2);
		expect(gaps(sandbox.requestsTo(SEND))[0]).toBeGreaterThanOrEqual(200);

		const resetAt = Date.now() + 300;
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'X-RateLimit-Reset': String(resetAt) }, body: tooMany() }]);
		const second = await call({ path: SEND, body: batchBody('ra-6') });
		expect(second.response?.attempts).toBe(2);
		const sent = sandbox.requestsTo(SEND);
		expect(sent).toHaveLength(4);
		expect(sent[3].receivedAt).toBeGreaterThanOrEqual(resetAt);
	});

	it("Retry-After wins over the body's retryAfter and X-RateLimit-Reset", async () => {
		sandbox.injectFaults([
			{
				path: SEND,
				status: 429,
				headers: { 'Retry-After': '0.3', 'X-RateLimit-Reset': '0.01' },
				body: tooMany({ retryAfter: 0.01 }),
			},
		]);
		await call({ path: SEND, body: batchBody('ra-7') });
		expect(gaps(sandbox.requestsTo(SEND))[0]).toBeGreaterThanOrEqual(300);
	});

	it("the sandbox's own rate limiter: a burst beyond the limit slows down and every SMS is sent once", async () => {
		sandbox.configure({ rateLimit: { perSecond: 2 } });
		try {
			const results = [];
			for (const id of ['rl-1', 'rl-2', 'rl-3']) results.push(await call({ path: SEND, body: batchBody(id) }));
			expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
			const statuses = sandbox.requestsTo(SEND).map((r) => r.status);
			expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
			for (const id of ['rl-1', 'rl-2', 'rl-3']) expect(sandbox.deliveries.get(id)).toBe(1);
		} finally {
			sandbox.configure({ rateLimit: undefined });
		}
	});
});

describe('429: when the node stops', () => {
	it('retries exhausted → httpCode 429 with the attempts, the last wait, what to do and rate-limited failure', async () => {
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': '0.05' }, body: tooMany(), times: 3 }]);
		const { error } = await call({ path: SEND, body: batchBody('ex-1'), retry: { ...FAST, maxRetries: 2 } });
		expect(error).toBeInstanceOf(NodeApiError);
		const e = error as NodeApiError;
		expect(e.httpCode).toBe('429');
		expect(e.message).toMatch(/3 attempts/);
		expect(e.message).toMatch(/last wait was 50 ms/);
		expect(e.description).toMatch(/Send Batch/);
		expect(e.description).toMatch(/ask Agile Telecom to raise the limit/);
		expect(e.description).toMatch(/Lower/);
		expect(e.failure).toEqual({ cause: 'rate-limited', retryAfterMs: 50 });
		expect(sandbox.requestsTo(SEND)).toHaveLength(3);
		expect(sandbox.deliveries.size).toBe(0);
	});

	it('the server asks longer than Max Delay → immediate error saying so, one request', async () => {
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': '120' }, body: tooMany() }]);
		const { error, elapsedMs } = await call({ path: SEND, body: batchBody('ex-2'), retry: DEFAULT_RETRY });
		const e = error as NodeApiError;
		expect(e).toBeInstanceOf(NodeApiError);
		expect(e.httpCode).toBe('429');
		expect(e.message).toMatch(/asked to wait 120 s, more than the Max Delay of 60 s/);
		expect(e.failure).toEqual({ cause: 'rate-limited', retryAfterMs: 120000 });
		expect(elapsedMs).toBeLessThan(1000);
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);
	});

	it('Retry on Rate Limit off → one request and an error saying so', async () => {
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': '0.05' }, body: tooMany() }]);
		const { error } = await call({ path: SEND, body: batchBody('ex-3'), retry: { ...FAST, retryOnRateLimit: false } });
		expect((error as NodeApiError).message).toMatch(/Retry on rate limit is off/);
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);
	});

	it('cancelling the execution during a wait returns at once with a clear error', async () => {
		sandbox.injectFaults([{ path: SEND, status: 429, headers: { 'Retry-After': '30' }, body: tooMany() }]);
		const controller = new AbortController();
		const running = call({ path: SEND, body: batchBody('cx-1'), retry: DEFAULT_RETRY }, { abortSignal: controller.signal });
		await waitFor(() => sandbox.requestsTo(SEND).some((r) => r.status === 429));
		// Let the client read the 429 and start its 30 s wait.
		await sleep(50);
		const abortedAt = Date.now();
		controller.abort();
		const { error } = await running;
		const returnedAfter = Date.now() - abortedAt;
		expect(returnedAfter).toBeLessThan(500);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('The execution was cancelled while waiting to retry');
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);
	});
});

describe('ambiguous failures (5xx, dropped connections)', () => {
	it('500 on a send, by default → exactly 1 request and an error', async () => {
		sandbox.injectFaults([{ path: SEND, status: 500, body: { status: 'error', message: 'boom', code: 8 } }]);
		const { error } = await call({ path: SEND, body: batchBody('s5-1') });
		expect((error as NodeApiError).httpCode).toBe('500');
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);
	});

	it('500 on a send with Retry on Server Errors → retried with an identical body (same globalId and ids)', async () => {
		sandbox.injectFaults([{ path: SEND, status: 500, body: { status: 'error', message: 'boom', code: 8 }, times: 2 }]);
		const { response } = await call({
			path: SEND,
			body: batchBody('s5-2'),
			retry: { ...FAST, retryOnServerErrors: true },
		});
		expect(response?.attempts).toBe(3);
		const sent = sandbox.requestsTo(SEND);
		expect(sent.map((r) => r.status)).toEqual([500, 500, 200]);
		for (const r of sent) expect(r.body).toEqual(batchBody('s5-2'));
		expect(sandbox.deliveries.get('s5-2')).toBe(1);
	});

	it('a JSend server error inside a 200 is ambiguous too: not retried for a send, retried for a read', async () => {
		const timeout = { status: 200, body: { status: 'error', message: 'Service timeout', code: 9 } };
		sandbox.injectFaults([{ path: SEND, ...timeout }]);
		const send = await call({ path: SEND, body: batchBody('s5-3') });
		expect((send.error as NodeApiError).httpCode).toBe('504');
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);

		sandbox.injectFaults([{ path: CREDIT, ...timeout }]);
		const read = await call({ path: CREDIT, method: 'GET', kind: 'read' });
		expect(read.response?.body).toEqual({ credit: 1000 });
		expect(sandbox.requestsTo(CREDIT)).toHaveLength(2);
	});

	it('a read retries 500 by default', async () => {
		sandbox.injectFaults([{ path: CREDIT, status: 500, body: { status: 'error', message: 'boom', code: 8 }, times: 2 }]);
		const { response } = await call({ path: CREDIT, method: 'GET', kind: 'read' });
		expect(response?.body).toEqual({ credit: 1000 });
		expect(response?.attempts).toBe(3);
		expect(sandbox.requestsTo(CREDIT)).toHaveLength(3);
	});

	it('a 503 asking for more than Max Delay is not retried, even for a read', async () => {
		sandbox.injectFaults([{ path: CREDIT, status: 503, headers: { 'Retry-After': '120' }, body: 'maintenance' }]);
		const { error, elapsedMs } = await call({ path: CREDIT, method: 'GET', kind: 'read', retry: DEFAULT_RETRY });
		expect((error as NodeApiError).message).toMatch(/asked to wait 120 s, more than the Max Delay of 60 s/);
		expect(elapsedMs).toBeLessThan(1000);
		expect(sandbox.requestsTo(CREDIT)).toHaveLength(1);
	});

	it('a connection dropped after the request was read is NOT retried for a send by default', async () => {
		const counter = countingCredential();
		sandbox.injectFaults([{ path: SEND, drop: 'before-response' }]);
		const { error } = await call({ path: SEND, body: batchBody('dr-1') }, { counter });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(counter.calls()).toBe(1);
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);
		// The server did accept it: resending would have duplicated the SMS.
		expect(sandbox.deliveries.get('dr-1')).toBe(1);
	});

	it('a read retries a dropped connection', async () => {
		sandbox.injectFaults([{ path: CREDIT, drop: 'before-response' }]);
		const { response } = await call({ path: CREDIT, method: 'GET', kind: 'read' });
		expect(response?.attempts).toBe(2);
		expect(sandbox.requestsTo(CREDIT)).toHaveLength(2);
	});
});

describe('connection refused (nothing reached the server): safe to retry, even a send', () => {
	it('refused once, then the server is back → the send succeeds on the 2nd attempt, sent once', async () => {
		const revived = await startSandbox();
		const { port, url } = revived;
		await revived.close();
		const counter = countingCredential();
		// Backoff after the 1st failure is at least half the initial delay (500 ms): the server is back before that.
		const running = call({ path: SEND, body: batchBody('cr-1'), retry: { ...DEFAULT_RETRY, initialDelay: 1000 } }, { baseUrl: url, counter });
		await waitFor(() => counter.calls() >= 1);
		await sleep(100);
		const back = await startSandbox({ port });
		try {
			const { response, error } = await running;
			expect(error).toBeUndefined();
			expect(response?.attempts).toBe(2);
			expect(counter.calls()).toBe(2);
			expect(back.requestsTo(SEND)).toHaveLength(1);
			expect(back.deliveries.get('cr-1')).toBe(1);
			expect(back.duplicates()).toEqual([]);
		} finally {
			await back.close();
		}
	});

	it('refused every time → Max Retries + 1 attempts, then an error saying nothing was sent', async () => {
		const closed = await startSandbox();
		const url = closed.url;
		await closed.close();
		const counter = countingCredential();
		const { error } = await call(
			{ path: SEND, body: batchBody('cr-2'), retry: { ...FAST, maxRetries: 2 } },
			{ baseUrl: url, counter },
		);
		expect(counter.calls()).toBe(3);
		const e = error as NodeApiError;
		expect(e.httpCode).toBe('ECONNREFUSED');
		expect(e.message).toMatch(/Gave up after 3 attempts/);
		expect(e.description).toMatch(/nothing was sent/);
	});
});

describe('never retried: 400, 401, 403, 404, 415', () => {
	it.each([400, 401, 403, 404, 415])('HTTP %i → exactly 1 request, even for a read with every retry on', async (status) => {
		// One fault only: a retry would have succeeded, so the error itself proves there was none.
		sandbox.injectFaults([{ path: CREDIT, status, body: { message: `no (${status})` } }]);
		const { error } = await call({
			path: CREDIT,
			method: 'GET',
			kind: 'read',
			retry: { ...FAST, retryOnServerErrors: true, maxRetries: 5 },
		});
		expect((error as NodeApiError).httpCode).toBe(String(status));
		expect(sandbox.requestsTo(CREDIT)).toHaveLength(1);
	});

	it('a real 401 from the sandbox reaches it once: n8n-core does not replay it when status errors are ignored', async () => {
		const counter = countingCredential();
		const outcome = await inContext(
			{ credentials: sandboxCredentials(sandbox.url, { apiKey: 'wrong-key' }), credentialType: counter.type },
			async (ctx) =>
				await agileRequest(ctx, await getConnection(ctx), {
					method: 'POST',
					url: `${sandbox.url}${SEND}`,
					body: batchBody('au-1'),
					kind: 'send',
				}).then(
					() => undefined,
					(e: unknown) => e,
				),
		);
		expect((outcome as NodeApiError).httpCode).toBe('401');
		expect(counter.calls()).toBe(1);
		expect(sandbox.requestsTo(SEND)).toHaveLength(1);
	});
});

describe('Retry settings (descriptions/retry.ts)', () => {
	it('the UI defaults equal DEFAULT_RETRY', () => {
		const [collection] = retryFields;
		const defaults = Object.fromEntries(
			(collection.options as INodeProperties[]).map((option) => [option.name, option.default]),
		);
		expect(defaults).toEqual({ ...DEFAULT_RETRY });
	});

	it('Max Retries in the UI is bounded by what the transport clamps to', () => {
		const [collection] = retryFields;
		const maxRetries = (collection.options as INodeProperties[]).find((o) => o.name === 'maxRetries');
		expect(maxRetries?.typeOptions).toEqual({ minValue: 0, maxValue: 10 });
	});

	it.each([
		[{}, DEFAULT_RETRY],
		[{ maxRetries: 50, initialDelay: 5, maxDelay: 500 }, { ...DEFAULT_RETRY, maxRetries: 10, initialDelay: 5, maxDelay: 500 }],
		[{ maxRetries: -3, retryOnRateLimit: false, retryOnServerErrors: true }, { ...DEFAULT_RETRY, maxRetries: 0, retryOnRateLimit: false, retryOnServerErrors: true }],
	])('getRetrySettings(%j) in a real context', async (retry, expected) => {
		const settings = await inContext(
			{ credentials: sandboxCredentials(sandbox.url), parameters: { retry } },
			async (ctx) => getRetrySettings(ctx),
		);
		expect(settings).toEqual(expected);
	});
});
