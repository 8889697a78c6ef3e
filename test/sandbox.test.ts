import { DOCUMENTED_PROGRESSION, startSandbox, smsParts, type Sandbox } from './sandbox/server';
import { parseArgs } from './sandbox/cli';

const KEY = 'test-api-key';
const BASIC = `Basic ${Buffer.from('test-user:test-pass').toString('base64')}`;

interface Answer {
	status: number;
	headers: Headers;
	body: unknown;
}

async function call(
	sandbox: Sandbox,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = { 'X-Api-Key': KEY },
): Promise<Answer> {
	const init: RequestInit = { method, headers: { ...headers } };
	if (body !== undefined) {
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
		(init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
	}
	const res = await fetch(`${sandbox.url}${path}`, init);
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text === '' ? undefined : JSON.parse(text);
	} catch (error) {
		void error;
	}
	return { status: res.status, headers: res.headers, body: parsed };
}

const message = (over: Record<string, unknown> = {}) => ({
	destinations: ['+393351234567'],
	sender: 'InfoSMS',
	body: 'hello',
	...over,
});

describe('sandbox', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ batchShape: 'results', qlaraShape: 'sms', webhookMode: 'conflict', rateLimit: undefined, maxBodyBytes: undefined, maxMessagesPerRequest: undefined, latencyMs: undefined });
	});

	describe('auth', () => {
		it('accepts X-Api-Key in any letter case and records it', async () => {
			const a = await call(sandbox, 'GET', '/services/sms/credit', undefined, { 'x-API-key': KEY });
			expect(a).toMatchObject({ status: 200, body: { credit: 1000 } });
			expect(sandbox.requests[0]).toMatchObject({ method: 'GET', path: '/services/sms/credit', auth: 'apiKey', bothAuth: false, status: 200 });
			expect(sandbox.requests[0].headers['x-api-key']).toBe(KEY);
		});

		it('accepts Basic auth', async () => {
			const a = await call(sandbox, 'GET', '/api/services/sms/credit', undefined, { Authorization: BASIC });
			expect(a.status).toBe(200);
			expect(sandbox.requests[0].auth).toBe('basic');
		});

		it('401 JSON for a wrong key, wrong Basic or none', async () => {
			expect(await call(sandbox, 'GET', '/services/sms/credit', undefined, { 'X-Api-Key': 'nope' })).toMatchObject({
				status: 401,
				body: { status: 'fail', code: 1 },
			});
			const wrongBasic = `Basic ${Buffer.from('test-user:bad').toString('base64')}`;
			expect((await call(sandbox, 'GET', '/services/sms/credit', undefined, { Authorization: wrongBasic })).status).toBe(401);
			expect(await call(sandbox, 'GET', '/api/v1/partner-gateway/subscription/credit', undefined, {})).toMatchObject({
				status: 401,
				body: { status: 401, error: 'Unauthorized' },
			});
			expect(sandbox.requests.map((r) => r.auth)).toEqual(['apiKey', 'basic', 'none']);
		});

		it('records requests that carry both kinds', async () => {
			await call(sandbox, 'GET', '/services/sms/credit', undefined, { 'X-Api-Key': KEY, Authorization: BASIC });
			expect(sandbox.requests[0]).toMatchObject({ auth: 'both', bothAuth: true });
		});
	});

	describe('messages[] send validation', () => {
		const cases: Array<[string, unknown, number]> = [
			['messages missing', { globalId: 'g' }, 14],
			['messages empty', { messages: [] }, 14],
			['destinations missing', { messages: [message({ destinations: undefined })] }, 13],
			['body missing', { messages: [message({ body: undefined })] }, 6],
			['sender missing', { messages: [message({ sender: '' })] }, 10],
			['ids length mismatch', { messages: [message({ ids: ['a', 'b'] })] }, 15],
			['bad scheduling', { messages: [message({ scheduling: '2025-12-08T06:00:00Z' })] }, 23],
		];
		it.each(cases)('%s → JSend code', async (_name, body, code) => {
			const a = await call(sandbox, 'POST', '/services/sms/send', body);
			expect(a).toMatchObject({ status: 400, body: { status: 'fail', code } });
			expect(sandbox.deliveries.size).toBe(0);
		});

		it('accepts a correct scheduling', async () => {
			const a = await call(sandbox, 'POST', '/api/services/sms/send', { messages: [message({ scheduling: '2025-12-08 06:00:00.002+0200' })] });
			expect(a.status).toBe(200);
		});

		it('415 without application/json, 400 on malformed JSON', async () => {
			const a = await call(sandbox, 'POST', '/services/sms/send', JSON.stringify({ messages: [message()] }), {
				'X-Api-Key': KEY,
				'Content-Type': 'text/plain',
			});
			expect(a.status).toBe(415);
			const b = await call(sandbox, 'POST', '/services/sms/send', '{"messages": [', { 'X-Api-Key': KEY, 'Content-Type': 'application/json' });
			expect(b).toMatchObject({ status: 400, body: { status: 'fail' } });
			expect(sandbox.requests[1].body).toBe('{"messages": [');
		});
	});

	describe('messages[] send success', () => {
		it("'results' shape echoes globalId and ids, generates the missing ones", async () => {
			const a = await call(sandbox, 'POST', '/services/sms/send', {
				globalId: 'g-1',
				messages: [message({ destinations: ['+391', '+392'], ids: ['i1', 'i2'] }), message({ destinations: ['+393'] })],
			});
			expect(a.status).toBe(200);
			const body = a.body as { globalId: string; accepted: boolean; results: Array<Record<string, unknown>> };
			expect(body.globalId).toBe('g-1');
			expect(body.accepted).toBe(true);
			expect(body.results.slice(0, 2)).toEqual([
				{ destination: '+391', id: 'i1', accepted: true, statusCode: 200 },
				{ destination: '+392', id: 'i2', accepted: true, statusCode: 200 },
			]);
			expect(body.results[2]).toMatchObject({ destination: '+393', accepted: true, statusCode: 200 });
			expect(typeof body.results[2].id).toBe('string');
			expect(sandbox.countDeliveries()).toEqual(new Map([['i1', 1], ['i2', 1], ['g-1/+393', 1]]));
			expect(sandbox.requests[0].body).toMatchObject({ globalId: 'g-1' });
		});

		it('generates a globalId when none is sent', async () => {
			const a = await call(sandbox, 'POST', '/services/sms/send', { messages: [message()] });
			expect((a.body as { globalId: string }).globalId).toMatch(/^[0-9a-f-]{36}$/);
		});

		it("'processed' shape counts messages and parts", async () => {
			sandbox.configure({ batchShape: 'processed', credit: 42.5 });
			const a = await call(sandbox, 'POST', '/services/sms/send', {
				globalId: 'g-2',
				messages: [message({ destinations: ['+391', '+392'], body: 'x'.repeat(161) })],
			});
			expect(a.body).toEqual({ globalId: 'g-2', processedMessages: 2, processedSmsParts: 4, credit: 42.5 });
			sandbox.configure({ credit: 1000 });
		});

		it('per-destination rejections inside a 200', async () => {
			sandbox.setRejections({ '+392': 402, '+393': 403 });
			const a = await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ destinations: ['+391', '+392', '+393'], ids: ['a', 'b', 'c'] })] });
			expect(a.status).toBe(200);
			expect((a.body as { results: unknown[] }).results).toEqual([
				{ destination: '+391', id: 'a', accepted: true, statusCode: 200 },
				{ destination: '+392', id: 'b', accepted: false, statusCode: 402 },
				{ destination: '+393', id: 'c', accepted: false, statusCode: 403 },
			]);
			expect([...sandbox.deliveries.keys()]).toEqual(['a']);
			expect(sandbox.stats).toMatchObject({ acceptedMessages: 1, rejectedMessages: 2 });
		});

		it('counts duplicates by id and by destination and text', async () => {
			const body = { messages: [message({ ids: ['dup'] })] };
			await call(sandbox, 'POST', '/services/sms/send', body);
			await call(sandbox, 'POST', '/services/sms/send', body);
			expect(sandbox.deliveries.get('dup')).toBe(2);
			expect(sandbox.duplicates()).toEqual(['dup', '+393351234567 ← hello']);
		});

		it('sees the same text sent twice to one number under two ids, as its owner would', async () => {
			await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ ids: ['first'] })] });
			await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+393351234567', sender: 'S', body: 'hello', messageId: 'second' });
			expect(sandbox.duplicates()).toEqual(['+393351234567 ← hello']);
			expect(sandbox.contentDeliveries.get('+393351234567 ← hello')).toBe(2);
		});

		it("'processed' shape: processedMessages counts destinations or messages, as configured (agile-api.md §16.1)", async () => {
			sandbox.setRejections({ '+392': 402 });
			const counts: unknown[] = [];
			for (const processedCounts of ['destinations', 'messages'] as const) {
				sandbox.configure({ batchShape: 'processed', processedCounts });
				const a = await call(sandbox, 'POST', '/services/sms/send', {
					messages: [message({ destinations: ['+391', '+392'] }), message({ destinations: ['+393'] })],
				});
				counts.push((a.body as { processedMessages: number }).processedMessages);
			}
			expect(counts).toEqual([2, 2]);
			sandbox.configure({ processedCounts: 'messages' });
			const all = await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ destinations: ['+394', '+395', '+396'] })] });
			expect((all.body as { processedMessages: number }).processedMessages).toBe(1);
			sandbox.configure({ processedCounts: 'destinations', batchShape: 'results' });
		});

		it('a transient rejection applies only to the given number of sends', async () => {
			sandbox.setRejections({ '+391': { status: 429, times: 1 } });
			const send = async () =>
				((await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ destinations: ['+391'], ids: ['t'] })] })).body as {
					results: Array<{ statusCode: number }>;
				}).results[0].statusCode;
			expect([await send(), await send()]).toEqual([429, 200]);
		});

		it('a fault with accept: true goes through and answers the fault instead', async () => {
			sandbox.injectFaults([{ path: '/services/sms/send', status: 200, body: '<html>proxy</html>', accept: true }]);
			const a = await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ ids: ['through'] })] });
			expect(a.body).toBe('<html>proxy</html>');
			expect(sandbox.deliveries.get('through')).toBe(1);
		});
	});

	describe('credit', () => {
		it('both credit endpoints', async () => {
			sandbox.configure({ credit: 100, frozenCredit: 30 });
			expect((await call(sandbox, 'GET', '/services/sms/credit')).body).toEqual({ credit: 100 });
			expect((await call(sandbox, 'GET', '/api/v1/partner-gateway/subscription/credit')).body).toEqual({
				credit: 100,
				frozenCredit: 30,
				availableCredit: 70,
			});
			sandbox.configure({ credit: 1000, frozenCredit: 0 });
		});
	});

	describe('Qlara single send', () => {
		it("'sms' shape with the sent messageId", async () => {
			const a = await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+391', sender: 'S', body: 'ciao', messageId: 'm-1' });
			expect(a).toMatchObject({
				status: 200,
				body: { messageId: 'm-1', simulation: false, results: { sms: { accepted: true, unicode: false, parts: 1, reasons: [] } } },
			});
			expect(sandbox.deliveries.get('m-1')).toBe(1);
		});

		it("'array' shape with a generated UUID", async () => {
			sandbox.configure({ qlaraShape: 'array' });
			const a = await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+391', sender: 'S', body: '😀' });
			const body = a.body as { messageId: string; customerMessageId: string; results: unknown[] };
			expect(body.messageId).toMatch(/^[0-9a-f-]{36}$/);
			expect(body.customerMessageId).toBe(body.messageId);
			expect(body.results).toEqual([{ phoneNumber: '+391', accepted: true, channel: 'sms', statusCode: 200 }]);
		});

		it("an account-level RCS override reports under 'rcs', unless the request skips it", async () => {
			sandbox.configure({ qlaraChannel: 'rcs' });
			const send = async (extra: Record<string, unknown>) =>
				Object.keys(
					((await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+391', sender: 'S', body: 'x', ...extra })).body as {
						results: Record<string, unknown>;
					}).results,
				);
			expect([await send({ messageId: 'r-1' }), await send({ messageId: 'r-2', skipRcsOverride: true })]).toEqual([['rcs'], ['sms']]);
			sandbox.configure({ qlaraChannel: 'sms' });
			sandbox.reset();
		});

		it('400 when a required field is missing', async () => {
			for (const missing of ['destination', 'sender', 'body']) {
				const payload: Record<string, string> = { destination: '+391', sender: 'S', body: 'x' };
				delete payload[missing];
				const a = await call(sandbox, 'POST', '/api/message-server/sms/send', payload);
				expect(a.status).toBe(400);
				expect((a.body as { message: string }).message).toContain(missing);
			}
		});

		it('rejection with reasons', async () => {
			sandbox.setRejections({ '+399': 403 });
			const a = await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+399', sender: 'S', body: 'x', messageId: 'r1' });
			expect((a.body as { results: { sms: unknown } }).results.sms).toEqual({
				accepted: false,
				unicode: false,
				parts: 1,
				reasons: [{ code: 403, description: 'Destination blacklisted or opted out' }],
			});
			expect(sandbox.deliveries.size).toBe(0);
		});
	});

	describe('status polling', () => {
		it('single and batch, channel checks, settable status', async () => {
			await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ destinations: ['+391', '+392'], ids: ['a', 'b'] })] });
			await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+393', sender: 'S', body: 'x', messageId: 'q' });
			sandbox.setStatus('b', 'DELIVERED');
			expect(await call(sandbox, 'GET', '/api/partner-gateway/v1/messages/status/a?channel=SMS')).toMatchObject({
				status: 200,
				body: { customerMessageId: 'a', deliveryStatus: 'SENT' },
			});
			expect((await call(sandbox, 'GET', '/api/partner-gateway/v1/messages/status/a?channel=RCS')).status).toBe(404);
			expect((await call(sandbox, 'GET', '/api/partner-gateway/v1/messages/status/zzz?channel=SMS')).status).toBe(404);
			const batch = await call(sandbox, 'GET', '/api/partner-gateway/v1/messages/status?ids=a,b,zzz,q');
			expect(batch.body).toEqual([
				{ customerMessageId: 'a', deliveryStatus: 'SENT', deliveryStatusDescription: 'Message forwarded to the carrier' },
				{ customerMessageId: 'b', deliveryStatus: 'DELIVERED', deliveryStatusDescription: 'Message delivered' },
				{ customerMessageId: 'q', deliveryStatus: 'SENT', deliveryStatusDescription: 'Message forwarded to the carrier' },
			]);
			expect((await call(sandbox, 'GET', '/api/partner-gateway/v1/messages/status?ids=none')).body).toEqual([]);
		});

		it('status progression: one documented step per read of a message, the last one from then on', async () => {
			const status = async (path: string) => (await call(sandbox, 'GET', `/api/partner-gateway/v1/messages/status${path}`)).body;
			const statusOf = (body: unknown) => (body as { deliveryStatus: string }).deliveryStatus;
			await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+393', sender: 'S', body: 'x', messageId: 'q' });
			sandbox.configure({ statusProgression: DOCUMENTED_PROGRESSION });
			try {
				const seen = [];
				for (let k = 0; k < 4; k++) seen.push(statusOf(await status('/q?channel=SMS')));
				expect(seen).toEqual(['SENT', 'RECEIVED', 'DELIVERED', 'DELIVERED']);
				// A message's own progression wins over the option; batch reads count as reads too.
				sandbox.setStatusProgression('e', ['SENT', 'ERROR']);
				expect(await status('?ids=e')).toEqual([{ customerMessageId: 'e', deliveryStatus: 'SENT', deliveryStatusDescription: 'Message forwarded to the carrier' }]);
				expect(statusOf(await status('/e?channel=SMS'))).toBe('ERROR');
				// A read on another channel finds nothing and moves nothing.
				sandbox.setStatusProgression('r', DOCUMENTED_PROGRESSION);
				expect(await status('?ids=r&channel=RCS')).toEqual([]);
				expect(statusOf(await status('/r?channel=SMS'))).toBe('SENT');
			} finally {
				sandbox.configure({ statusProgression: undefined });
			}
			// Without a progression a status changes only through setStatus.
			expect(statusOf(await status('/q?channel=SMS'))).toBe('DELIVERED');
		});
	});

	describe('webhooks', () => {
		const path = '/api/partner-gateway/v1/webhooks/delivery-status';
		it('create, conflict, read, update, delete', async () => {
			expect((await call(sandbox, 'GET', path)).status).toBe(404);
			const created = await call(sandbox, 'POST', path, { callbackUrl: 'https://example.com/a' });
			expect(created).toMatchObject({ status: 201, body: { callbackUrl: 'https://example.com/a', status: 'ACTIVE' } });
			expect((created.body as { id: string }).id).toMatch(/^wh-/);
			expect((await call(sandbox, 'POST', path, { callbackUrl: 'https://example.com/b' })).status).toBe(409);
			expect((await call(sandbox, 'PUT', path, { callbackUrl: 'https://example.com/c' })).body).toMatchObject({ callbackUrl: 'https://example.com/c' });
			expect((await call(sandbox, 'GET', path)).body).toMatchObject({ callbackUrl: 'https://example.com/c' });
			expect((await call(sandbox, 'DELETE', path)).status).toBe(204);
			expect((await call(sandbox, 'DELETE', path)).status).toBe(404);
			expect((await call(sandbox, 'PUT', path, { callbackUrl: 'https://example.com/c' })).status).toBe(404);
			expect((await call(sandbox, 'POST', path, { url: 'https://example.com' })).status).toBe(400);
		});

		it("replace mode", async () => {
			sandbox.configure({ webhookMode: 'replace' });
			await call(sandbox, 'POST', path, { callbackUrl: 'https://example.com/a' });
			expect((await call(sandbox, 'POST', path, { callbackUrl: 'https://example.com/b' })).status).toBe(201);
			expect(sandbox.webhook?.callbackUrl).toBe('https://example.com/b');
		});
	});

	describe('faults', () => {
		it('status faults are consumed in order, matched by method and path prefix', async () => {
			sandbox.injectFaults([
				{ method: 'POST', path: '/services/sms/send', status: 500, body: { status: 'error', message: 'boom', code: 8 } },
				{ path: '/api/', status: 429, headers: { 'Retry-After': '3' }, body: { status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded. Please retry after 3 seconds.', retryAfter: 3 } },
				{ status: 403, times: 2 },
			]);
			expect((await call(sandbox, 'GET', '/api/services/sms/credit')).headers.get('retry-after')).toBe('3');
			const a = await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ ids: ['x'] })] });
			expect(a).toMatchObject({ status: 500, body: { code: 8 } });
			expect(sandbox.deliveries.size).toBe(0);
			expect((await call(sandbox, 'GET', '/services/sms/credit')).status).toBe(403);
			expect((await call(sandbox, 'GET', '/services/sms/credit')).status).toBe(403);
			expect((await call(sandbox, 'GET', '/services/sms/credit')).status).toBe(200);
			expect(sandbox.pendingFaults()).toEqual([]);
			expect(sandbox.requests[1].fault?.status).toBe(500);
		});

		it("drop 'before-response' accepts the message, 'immediately' does not", async () => {
			sandbox.injectFaults([{ drop: 'before-response' }, { drop: 'immediately' }]);
			await expect(call(sandbox, 'POST', '/services/sms/send', { messages: [message({ ids: ['d1'] })] })).rejects.toThrow();
			await expect(call(sandbox, 'POST', '/services/sms/send', { messages: [message({ ids: ['d2'] })] })).rejects.toThrow();
			expect([...sandbox.deliveries]).toEqual([['d1', 1]]);
			expect(sandbox.requests.map((r) => r.status)).toEqual([undefined, undefined]);
		});

		it('delay faults and latency', async () => {
			sandbox.injectFaults([{ delayMs: 120 }]);
			let t = Date.now();
			expect((await call(sandbox, 'GET', '/services/sms/credit')).status).toBe(200);
			expect(Date.now() - t).toBeGreaterThanOrEqual(100);
			sandbox.configure({ latencyMs: 60 });
			t = Date.now();
			await call(sandbox, 'GET', '/services/sms/credit');
			expect(Date.now() - t).toBeGreaterThanOrEqual(50);
		});
	});

	describe('limits', () => {
		it('413 beyond maxMessagesPerRequest and maxBodyBytes', async () => {
			sandbox.configure({ maxMessagesPerRequest: 2 });
			expect((await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ destinations: ['+1', '+2', '+3'] })] })).status).toBe(413);
			expect((await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ destinations: ['+1', '+2'] })] })).status).toBe(200);
			sandbox.configure({ maxMessagesPerRequest: undefined, maxBodyBytes: 100 });
			expect((await call(sandbox, 'POST', '/services/sms/send', { messages: [message({ body: 'x'.repeat(200) })] })).status).toBe(413);
			expect(sandbox.deliveries.size).toBe(2);
		});

		it('rate limit: 429 with Retry-After header, retryAfter body and X-RateLimit headers', async () => {
			sandbox.configure({ rateLimit: { perSecond: 2 } });
			const first = await call(sandbox, 'GET', '/api/services/sms/credit');
			expect(first.status).toBe(200);
			expect(first.headers.get('x-ratelimit-limit')).toBe('2');
			expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
			expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
			expect((await call(sandbox, 'GET', '/api/services/sms/credit')).status).toBe(200);
			const limited = await call(sandbox, 'POST', '/api/message-server/sms/send', { destination: '+1', sender: 'S', body: 'x' });
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('1');
			expect(limited.body).toEqual({ status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded. Please retry after 1 seconds.', retryAfter: 1 });
			expect(sandbox.deliveries.size).toBe(0);
		});

		it('rate limit without the Retry-After header', async () => {
			sandbox.configure({ rateLimit: { perMinute: 1, retryAfterHeader: false } });
			await call(sandbox, 'GET', '/services/sms/credit');
			const limited = await call(sandbox, 'GET', '/services/sms/credit');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBeNull();
			expect((limited.body as { retryAfter: number }).retryAfter).toBe(60);
		});
	});

	describe('volume', () => {
		it('100,000 messages in 10 requests with record:false', async () => {
			const fast = await startSandbox({ record: false });
			try {
				for (let r = 0; r < 10; r++) {
					const destinations: string[] = [];
					const ids: string[] = [];
					for (let i = 0; i < 10000; i++) {
						destinations.push(`+39${r}${String(i).padStart(8, '0')}`);
						ids.push(`v-${r}-${i}`);
					}
					const a = await call(fast, 'POST', '/services/sms/send', { messages: [message({ destinations, ids })] });
					expect(a.status).toBe(200);
				}
				expect(fast.requests).toHaveLength(0);
				expect(fast.deliveries.size).toBe(100000);
				expect(fast.stats.acceptedMessages).toBe(100000);
				expect(fast.duplicates()).toEqual([]);
			} finally {
				await fast.close();
			}
		});
	});

	it('smsParts', () => {
		expect(smsParts('a'.repeat(160))).toEqual({ unicode: false, parts: 1 });
		expect(smsParts('a'.repeat(161))).toEqual({ unicode: false, parts: 2 });
		expect(smsParts('€'.repeat(80))).toEqual({ unicode: false, parts: 1 });
		expect(smsParts('È'.repeat(70))).toEqual({ unicode: true, parts: 1 });
		expect(smsParts('È'.repeat(71))).toEqual({ unicode: true, parts: 2 });
	});

	it('cli flags', () => {
		expect(
			parseArgs(['--port', '0', '--api-key', 'k', '--user', 'u', '--pass', 'p', '--latency', '5', '--per-second', '3', '--reject', '+1=402', '--no-record']),
		).toEqual({
			port: 0,
			apiKeys: ['k'],
			basic: [{ username: 'u', password: 'p' }],
			latencyMs: 5,
			rateLimit: { perSecond: 3 },
			rejections: { '+1': 402 },
			record: false,
		});
	});
});
