import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { executeBare, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';
import { sendBatchParameters } from './sendBatchParameters';

/**
 * Issue 18, item 6: a 429 asking for a wait longer than Max Delay fails every item waiting behind it at once,
 * with the same error, and nothing more is sent. Before the fix the shared rate limiter held every other item
 * for the server's full wait: these runs would not return for an hour.
 */

const QLARA_SEND = '/api/message-server/sms/send';
const BATCH_SEND = '/services/sms/send';
const HOUR_S = 3600;
const QLARA_429 = {
	status: 429,
	error: 'Too Many Requests',
	message: `Rate limit exceeded. Please retry after ${HOUR_S} seconds.`,
	retryAfter: HOUR_S,
};
/** The message every item fails with: the provider's words, the refused wait and what to do. */
const HOUR_REFUSED = new RegExp(
	`^Agile Telecom is rate-limiting this account \\(HTTP 429\\): Rate limit exceeded\\. Please retry after ${HOUR_S} seconds\\. ` +
		`The server asked to wait ${HOUR_S} s, more than the Max Delay of 60 s, so the node did not retry\\. ` +
		`Send again after \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z, or raise Max Delay to at least ${HOUR_S * 1000} ms to let the node wait$`,
);

/** The forms in which Qlara may ask for the wait (agile-api.md §8.3, §9; the header list there is cut off). */
const FORMS: Array<[string, Record<string, string>, IDataObject]> = [
	['a Retry-After header and the body field', { 'Retry-After': String(HOUR_S) }, QLARA_429],
	['the documented body field alone', {}, QLARA_429],
	['X-RateLimit-Reset alone (seconds from now)', { 'X-RateLimit-Reset': String(HOUR_S) }, { ...QLARA_429, retryAfter: undefined }],
];

const sandbox = useSandbox();
const DESTINATIONS = ['+393350000001', '+393350000002', '+393350000003', '+393350000004'];
const items = DESTINATIONS.map((to, n) => ({ to, text: `code ${1000 + n}` }));

/**
 * Send (Qlara) at 0.5 requests per second: item 1 starts at once, items 2–4 wait in the rate limiter for their
 * slots, 2 s apart. The run returning before item 2's slot is the bound that shows nobody waited, not a speed test.
 */
function qlaraNode(over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	const parameters: INodeParameters = {
		resource: 'sms',
		operation: 'send',
		destination: '={{ $json.to }}',
		sender: 'MyShop',
		body: '={{ $json.text }}',
		throughput: { maxConcurrency: 4, maxRequestsPerSecond: 0.5 },
	};
	return { parameters, ...over };
}
const SLOT_MS = 2020;

const qlaraCredentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

describe.each(FORMS)('Send (Qlara): a 429 asking for an hour, as %s', (_form, headers, body) => {
	beforeEach(() => {
		sandbox.injectFaults([{ method: 'POST', path: QLARA_SEND, status: 429, headers, body: JSON.parse(JSON.stringify(body)) as IDataObject }]);
	});

	it('fails every waiting item at once with the same error; one request, nothing sent', async () => {
		const started = Date.now();
		const output = await executeBare({ node: qlaraNode({ onError: 'continueRegularOutput' }), credentials: qlaraCredentials(), items });
		const elapsed = Date.now() - started;

		expect(sandbox.requestsTo(QLARA_SEND).map((r) => [r.status, (r.body as IDataObject).destination])).toEqual([[429, DESTINATIONS[0]]]);
		expect(sandbox.deliveries.size).toBe(0);
		expect(sandbox.duplicates()).toEqual([]);
		expect(elapsed).toBeLessThan(SLOT_MS);

		const out = output?.[0] ?? [];
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		const [first] = out;
		expect(first.json.error).toMatch(HOUR_REFUSED);
		for (const item of out) {
			expect(item.json.error).toBe(first.json.error);
			expect((item.json.details as IDataObject).httpCode).toBe('429');
		}
		const descriptions = out.map((i) => String((i.json.details as IDataObject).description));
		expect(descriptions[0]).not.toContain('was not sent');
		for (const n of [2, 3, 4]) {
			expect(descriptions[n - 1]).toContain(`Item ${n} was not sent: it was waiting for the rate limit when the request of item 1 got this answer`);
		}
	});

	it('without continue-on-fail the run fails with that NodeApiError; one request', async () => {
		const started = Date.now();
		const run = executeBare({ node: qlaraNode(), credentials: qlaraCredentials(), items });
		const error = (await run.catch((e: unknown) => e)) as NodeApiError;
		expect(Date.now() - started).toBeLessThan(SLOT_MS);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('429');
		expect(error.message).toMatch(HOUR_REFUSED);
		expect(error.description).toContain('Lower "Max Requests per Second"');
		expect(sandbox.requestsTo(QLARA_SEND)).toHaveLength(1);
		expect(sandbox.deliveries.size).toBe(0);
	});
});

describe('Send (Qlara): a 429 asking for less than Max Delay', () => {
	it('holds the other items for that wait, then sends each once', async () => {
		sandbox.injectFaults([{ method: 'POST', path: QLARA_SEND, status: 429, headers: { 'Retry-After': '1' }, body: { ...QLARA_429, retryAfter: 1 } }]);
		const output = await executeBare({
			node: qlaraNode({ parameters: { ...qlaraNode().parameters, throughput: { maxConcurrency: 4, maxRequestsPerSecond: 20 } } }),
			credentials: qlaraCredentials(),
			items,
		});

		const sends = sandbox.requestsTo(QLARA_SEND);
		expect(sends.map((r) => r.status)).toEqual([429, 200, 200, 200, 200]);
		// Every request after the 429 waited the second it asked for (the sandbox's clock, 20 ms of slack).
		for (const later of sends.slice(1)) expect(later.receivedAt - sends[0].receivedAt).toBeGreaterThanOrEqual(980);
		const first = sends.filter((r) => (r.body as IDataObject).destination === DESTINATIONS[0]).map((r) => (r.body as IDataObject).messageId);
		expect(first).toHaveLength(2);
		expect(first[1]).toBe(first[0]);
		expect(output?.[0].map((i) => i.json.accepted)).toEqual([true, true, true, true]);
		expect(sandbox.duplicates()).toEqual([]);
	});
});

/**
 * Send Batch has no rate ceiling, but its requests share one pause: a 429 holds the requests not yet sent for the
 * server's wait, and one asking for more than Max Delay fails them at once instead of sending them into the
 * hour the server refused.
 */
describe('Send Batch: a 429 asking for an hour', () => {
	const batchNode = (over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions => ({
		parameters: sendBatchParameters({ batching: { messagesPerRequest: 1, concurrency: 1 } }),
		...over,
	});
	const batchCredentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url) });

	it('fails the requests not yet sent at once with the same error, without sending them', async () => {
		sandbox.injectFaults([{ method: 'POST', path: BATCH_SEND, status: 429, headers: { 'Retry-After': String(HOUR_S) }, body: 'Too Many Requests' }]);
		const started = Date.now();
		const output = await executeBare({ node: batchNode({ onError: 'continueRegularOutput' }), credentials: batchCredentials(), items });
		expect(Date.now() - started).toBeLessThan(SLOT_MS);

		expect(sandbox.requestsTo(BATCH_SEND).map((r) => r.status)).toEqual([429]);
		expect(sandbox.deliveries.size).toBe(0);
		const out = output?.[0] ?? [];
		expect(out).toHaveLength(4);
		const message = new RegExp(`^Agile Telecom is rate-limiting this account \\(HTTP 429\\): Too Many Requests\\. The server asked to wait ${HOUR_S} s, more than the Max Delay of 60 s, so the node did not retry\\. Send again after `);
		expect(out[0].json.error).toMatch(message);
		for (const item of out) expect(item.json.error).toBe(out[0].json.error);
		expect(String((out[3].json.details as IDataObject).description)).toContain('Item 4 was not sent');
	});

	it('holds the requests not yet sent for a wait within Max Delay, then sends each once', async () => {
		sandbox.injectFaults([{ method: 'POST', path: BATCH_SEND, status: 429, headers: { 'Retry-After': '1' }, body: 'Too Many Requests' }]);
		const output = await executeBare({ node: batchNode({ parameters: { ...batchNode().parameters, batching: { messagesPerRequest: 1, concurrency: 2 } } }), credentials: batchCredentials(), items });

		const sent = sandbox.requestsTo(BATCH_SEND);
		expect(sent.filter((r) => r.status === 429)).toHaveLength(1);
		const after = sent.filter((r) => r.receivedAt > sent[0].receivedAt + 40);
		// The second worker's first request may have left with the first; every later one waited the second.
		for (const r of after) expect(r.receivedAt - sent[0].receivedAt).toBeGreaterThanOrEqual(980);
		expect(after.length).toBeGreaterThanOrEqual(3);
		expect(output?.[0].map((i) => (i.json.results as IDataObject[])[0].accepted)).toEqual([true, true, true, true]);
		expect(sandbox.duplicates()).toEqual([]);
	});
});
