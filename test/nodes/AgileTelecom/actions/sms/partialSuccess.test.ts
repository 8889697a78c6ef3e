/**
 * Partial success (issue 15): Agile Telecom accepts some destinations and refuses others in one answer. Every
 * accepted SMS stays on record (output or error details) and no re-run of any kind sends it again: the node's own
 * retries, n8n's Retry On Fail, continue-on-fail. Run in n8n-core's real engine against the sandbox, which counts
 * deliveries per destination and text (what a phone's owner sees) as well as per id.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { BatchRequestBody } from '../../../../../nodes/AgileTelecom/helpers/batch';
import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { deliveredTo as countDeliveries, useSandbox } from '../../../../sandbox/lifecycle';
import type { RecordedRequest } from '../../../../sandbox/server';
import { sendBatchParameters } from './sendBatchParameters';

const BATCH_PATH = '/services/sms/send';
const QLARA_PATH = '/api/message-server/sms/send';
const BLACKLISTED = '+393350000403';
const [FIRST, THIRD] = ['+393351000001', '+393351000003'];
const FAST_RETRY = { initialDelay: 1, maxDelay: 5 };
/** n8n's Retry On Fail, as a user sets it: 3 tries (the engine's wait of 0 means 1 s, so 10 ms here). */
const RETRY_ON_FAIL: Partial<HarnessNodeOptions> = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

const sandbox = useSandbox();
afterEach(() => {
	sandbox.configure({ batchShape: 'results', qlaraShape: 'sms', qlaraChannel: 'sms', rejections: {} });
});

/** Send Batch on a wholesale-format custom URL, Send (Qlara) on a Qlara-format one: what each needs. */
const credentials = (format: 'agile' | 'qlara' = 'agile') => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: format }) });
const threeItems = [
	{ to: FIRST, text: 'Your order shipped' },
	{ to: BLACKLISTED, text: 'Your order shipped' },
	{ to: THIRD, text: 'Your order shipped' },
];

function batchNode(over: INodeParameters = {}, options: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return { parameters: sendBatchParameters(over), ...options };
}

function qlaraNode(over: INodeParameters = {}, options: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return {
		parameters: { resource: 'sms', operation: 'send', destination: '={{ $json.to }}', sender: 'MyShop', body: '={{ $json.text }}', ...over },
		...options,
	};
}

const deliveredTo = () => countDeliveries(sandbox);

const requestsFor = (path: string, destination: string): RecordedRequest[] =>
	sandbox.requestsTo(path, 'POST').filter((r) => JSON.stringify(r.body).includes(destination));

describe("n8n's Retry On Fail never resends an accepted SMS", () => {
	test('Send Batch, one message per request: each accepted number gets it once; the error keeps the record', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const run = await runWorkflow({
			node: batchNode({ batching: { messagesPerRequest: 1, concurrency: 1 } }, RETRY_ON_FAIL),
			credentials: credentials(),
			items: threeItems,
		});

		expect(run.status).toBe('error');
		// Try 1 sends item 1 (accepted) and item 2 (refused), then stops; tries 2 and 3 repeat item 1's recorded
		// result and send only item 2 again, which is refused again. Item 3 is never reached without continue-on-fail.
		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
		expect(requestsFor(BATCH_PATH, FIRST)).toHaveLength(1);
		expect(requestsFor(BATCH_PATH, BLACKLISTED)).toHaveLength(3);
		const [firstTry, ...laterTries] = requestsFor(BATCH_PATH, BLACKLISTED).map((r) => r.body as BatchRequestBody);
		// Every try of the run carries the very same ids and globalId.
		for (const body of laterTries) expect(body).toEqual(firstTry);

		const accepted = sandbox.requestsTo(BATCH_PATH)[0].body as BatchRequestBody;
		expect(run.error?.message).toBe(
			`Item 2: Agile Telecom did not accept the SMS to ${BLACKLISTED}: destination blacklisted or opted out (status 403). Before the node stopped, 1 of 3 items were accepted (item 1): do not send them again`,
		);
		expect((run.error as unknown as { context: IDataObject }).context.acceptedItems).toEqual([
			{ item: 1, messages: [{ destination: FIRST, id: accepted.messages[0].ids[0], globalId: accepted.globalId }] },
		]);
	});

	test('Send (Qlara): the first and third numbers get it once each; the error lists both message IDs', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const run = await runWorkflow({ node: qlaraNode({}, RETRY_ON_FAIL), credentials: credentials('qlara'), items: threeItems });

		expect(run.status).toBe('error');
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
		expect(requestsFor(QLARA_PATH, FIRST)).toHaveLength(1);
		expect(requestsFor(QLARA_PATH, THIRD)).toHaveLength(1);
		const refused = requestsFor(QLARA_PATH, BLACKLISTED).map((r) => (r.body as IDataObject).messageId);
		expect(refused).toHaveLength(3);
		expect(new Set(refused).size).toBe(1);

		const idOf = (to: string) => (requestsFor(QLARA_PATH, to)[0].body as IDataObject).messageId;
		expect(run.error?.message).toContain('Before the node stopped, 2 of 3 items were accepted (items 1, 3): do not send them again');
		expect((run.error as unknown as { context: IDataObject }).context.acceptedItems).toEqual([
			{ item: 1, messages: [{ destination: FIRST, id: idOf(FIRST) }] },
			{ item: 3, messages: [{ destination: THIRD, id: idOf(THIRD) }] },
		]);
	});

	test('with continue-on-fail the engine re-runs on an error first item: accepted items are repeated, not resent', async () => {
		const items = [threeItems[1], threeItems[0], threeItems[2]];
		for (const node of [
			batchNode({ batching: { messagesPerRequest: 1, concurrency: 1 } }, { ...RETRY_ON_FAIL, onError: 'continueRegularOutput' }),
			qlaraNode({}, { ...RETRY_ON_FAIL, onError: 'continueRegularOutput' }),
		]) {
			sandbox.reset();
			sandbox.setRejections({ [BLACKLISTED]: 403 });
			const run = await runWorkflow({ node, credentials: credentials(node.parameters.operation === 'send' ? 'qlara' : 'agile'), items });

			expect(run.status).toBe('success');
			expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
			expect(run.output?.map((o) => [o.pairedItem, o.json.error === undefined ? o.json.accepted : 'error', o.json.fromEarlierTry])).toEqual([
				[{ item: 0 }, 'error', undefined],
				[{ item: 1 }, true, true],
				[{ item: 2 }, true, true],
			]);
			expect(sandbox.duplicates()).toEqual([]);
		}
	});

	test('an answer that cannot be read is never resent by a later try either', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		// The platform accepts item 1 but a proxy answers with an HTML page.
		sandbox.injectFaults([{ method: 'POST', path: BATCH_PATH, status: 200, accept: true, body: '<html><body>Service busy</body></html>', headers: { 'Content-Type': 'text/html' } }]);
		const run = await runWorkflow({
			node: batchNode({ batching: { messagesPerRequest: 1, concurrency: 1 } }, RETRY_ON_FAIL),
			credentials: credentials(),
			items: threeItems,
		});

		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
		expect(requestsFor(BATCH_PATH, FIRST)).toHaveLength(1);
		expect(run.error?.message).toContain('Before the node stopped, 1 may have been (unknown outcome) (item 1): do not send them again');
		expect((run.error as unknown as { context: IDataObject }).context.unknownItems).toEqual([
			{ item: 1, messages: [{ destination: FIRST, id: expect.any(String), globalId: expect.any(String) }] },
		]);
	});
});

describe('continue-on-fail: every item comes out, accepted ones with their results, in input order', () => {
	test('regular output: a partially refused item keeps its accepted destination in details', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const output = await executeBare({
			node: batchNode({}, { onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: [{ to: `${FIRST}, ${BLACKLISTED}`, text: 'Hi' }, { to: THIRD, text: 'Hi' }],
		});
		const [mixed, fine] = output?.[0] ?? [];
		expect(mixed.pairedItem).toEqual({ item: 0 });
		expect(mixed.json.error).toBe(`Item 1: Agile Telecom did not accept the SMS to ${BLACKLISTED}: destination blacklisted or opted out (status 403)`);
		expect(((mixed.json.details as IDataObject).results as IDataObject[]).map((r) => [r.destination, r.accepted])).toEqual([
			[FIRST, true],
			[BLACKLISTED, false],
		]);
		expect([fine.pairedItem, fine.json.accepted]).toEqual([{ item: 1 }, true]);
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
	});

	test("error output: failed items go to n8n's error output with the input's fields, the others to the main output", async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const run = await runWorkflow({
			node: batchNode({}, { onError: 'continueErrorOutput' }),
			credentials: credentials(),
			items: threeItems,
		});

		expect(run.status).toBe('success');
		const [main, errors] = run.outputs ?? [];
		expect(main.map((o) => [o.pairedItem, o.json.accepted])).toEqual([
			[{ item: 0 }, true],
			[{ item: 2 }, true],
		]);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(errors[0].json).toMatchObject({
			to: BLACKLISTED,
			text: 'Your order shipped',
			error: expect.stringContaining(`did not accept the SMS to ${BLACKLISTED}`),
			details: { httpCode: '403', accepted: false },
		});
	});

	test('Rejected Destinations = Output as Data: a refusal is data, the run goes on, nothing is an error', async () => {
		for (const node of [batchNode({ rejectedDestinations: 'output' }), qlaraNode({ rejectedDestinations: 'output' })]) {
			sandbox.reset();
			sandbox.setRejections({ [BLACKLISTED]: 403 });
			const run = await runWorkflow({ node, credentials: credentials(node.parameters.operation === 'send' ? 'qlara' : 'agile'), items: threeItems });
			expect(run.status).toBe('success');
			expect(run.output?.map((o) => o.json.accepted)).toEqual([true, false, true]);
			expect(run.output?.[1].json).not.toHaveProperty('error');
			expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
		}
	});
});

describe('never claim acceptance the server did not state', () => {
	test.each([
		['an HTML page', '<html><body>Maintenance</body></html>', 'with a body that is not JSON'],
		['an empty object', {}, 'with a body that has no result per destination'],
		['results for other destinations', { results: [{ destination: '+390000000000', accepted: true, statusCode: 200 }] }, 'no clear result'],
	])('Send Batch, a 2xx with %s: accepted null, no invented status, a warning', async (_name, body, warning) => {
		sandbox.injectFaults([{ method: 'POST', path: BATCH_PATH, status: 200, accept: true, body }]);
		const run = await runWorkflow({ node: batchNode(), credentials: credentials(), items: [threeItems[0]] });

		expect(run.status).toBe('success');
		const json = run.output?.[0].json as IDataObject;
		expect(json.accepted).toBeNull();
		expect(json.results).toEqual([{ destination: FIRST, id: expect.any(String), accepted: null, statusCode: null, status: expect.stringMatching(/^(unknown|missing from the response)$/) }]);
		expect(json.warning).toContain(warning);
		expect(json.warning).toContain('check the delivery reports before sending any of them again');
	});

	test.each([
		['an HTML page', '<html>Maintenance</html>', null, 'with a body that is not JSON'],
		['an empty object', {}, null, 'without a result for the SMS'],
		['a result without a verdict', { results: { sms: { parts: 1 } } }, null, 'without saying whether the SMS was accepted'],
	])('Send (Qlara), a 2xx with %s: accepted null and a warning', async (_name, body, accepted, warning) => {
		sandbox.injectFaults([{ method: 'POST', path: QLARA_PATH, status: 200, accept: true, body }]);
		const run = await runWorkflow({ node: qlaraNode(), credentials: credentials('qlara'), items: [threeItems[0]] });

		expect(run.status).toBe('success');
		expect(run.output?.[0].json.accepted).toBe(accepted);
		expect(run.output?.[0].json).not.toHaveProperty('statusCode');
		expect((run.output?.[0].json.warnings as string[])[0]).toContain(warning);
	});

	test('Send (Qlara) under an account-level RCS override: the rcs result is read, accepted or refused', async () => {
		sandbox.configure({ qlaraChannel: 'rcs' });
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const output = await executeBare({
			node: qlaraNode({}, { onError: 'continueRegularOutput' }),
			credentials: credentials('qlara'),
			items: [threeItems[0], threeItems[1]],
		});
		expect(output?.[0][0].json).toMatchObject({ accepted: true, channel: 'rcs' });
		expect(output?.[0][1].json).toMatchObject({
			error: `Item 2: Agile Telecom did not accept the SMS to ${BLACKLISTED}: Destination blacklisted or opted out (code 403)`,
			details: { accepted: false, channel: 'rcs' },
		});
	});

	test('Send (Qlara): {"rcs": {"accepted": false}} is a refusal, not an acceptance', async () => {
		sandbox.injectFaults([{ method: 'POST', path: QLARA_PATH, status: 200, body: { messageId: 'x', results: { rcs: { accepted: false } } } }]);
		const error = await executeBare({ node: qlaraNode(), credentials: credentials('qlara'), items: [threeItems[0]] }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe(`Item 1: Agile Telecom did not accept the SMS to ${FIRST}: no reason given`);
	});
});

describe('destinations refused for a transient reason inside a 200 are resent with their same ids', () => {
	test.each([429, 500])('Send Batch: a per-destination %i is resent once, alone, with its id, and succeeds', async (status) => {
		sandbox.setRejections({ [BLACKLISTED]: { status, times: 1 } });
		const run = await runWorkflow({ node: batchNode({ retry: FAST_RETRY }), credentials: credentials(), items: threeItems });

		expect(run.status).toBe('success');
		const [first, resend, ...more] = sandbox.requestsTo(BATCH_PATH).map((r) => r.body as BatchRequestBody);
		expect(more).toEqual([]);
		expect(resend.messages).toEqual([{ ...first.messages[1] }]);
		expect(resend.globalId).not.toBe(first.globalId);
		expect(run.output?.map((o) => o.json.accepted)).toEqual([true, true, true]);
		expect((run.output?.[1].json.results as IDataObject[])[0]).toEqual({
			destination: BLACKLISTED,
			id: first.messages[1].ids[0],
			accepted: true,
			statusCode: 200,
			status: 'accepted',
			globalId: resend.globalId,
		});
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [BLACKLISTED]: 1, [THIRD]: 1 });
	});

	test('Send Batch: a permanent refusal (403) is never resent, and Max Retries 0 resends nothing', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403, [THIRD]: { status: 429, times: 1 } });
		const run = await runWorkflow({
			node: batchNode({ retry: { ...FAST_RETRY, maxRetries: 0 }, rejectedDestinations: 'output' }),
			credentials: credentials(),
			items: threeItems,
		});
		expect(sandbox.requestsTo(BATCH_PATH)).toHaveLength(1);
		expect(run.output?.map((o) => (o.json.results as IDataObject[])[0].statusCode)).toEqual([200, 403, 429]);
	});

	test.each([429, 500])('Send (Qlara): a %i inside the answer is resent with the same body and message ID', async (status) => {
		sandbox.setRejections({ [FIRST]: { status, times: 1 } });
		const run = await runWorkflow({ node: qlaraNode({ retry: FAST_RETRY }), credentials: credentials('qlara'), items: [threeItems[0]] });

		expect(run.status).toBe('success');
		const [first, second, ...more] = sandbox.requestsTo(QLARA_PATH).map((r) => r.body);
		expect(more).toEqual([]);
		expect(second).toEqual(first);
		expect(run.output?.[0].json).toMatchObject({ accepted: true, messageId: (first as IDataObject).messageId });
		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
	});
});

describe('ids: identical within a run, never shared between runs', () => {
	test('two runs of the node in one execution (a loop) never share an id or a globalId', async () => {
		const run = await runWorkflow({ node: batchNode(), credentials: credentials(), items: [threeItems[0]], twice: true });
		expect(run.runs).toHaveLength(2);
		const bodies = sandbox.requestsTo(BATCH_PATH).map((r) => r.body as BatchRequestBody);
		expect(bodies).toHaveLength(2);
		expect(bodies[0].globalId).not.toBe(bodies[1].globalId);
		expect(bodies[0].messages[0].ids[0]).not.toBe(bodies[1].messages[0].ids[0]);
		// The same text to the same number twice is what this workflow asks for.
		sandbox.expectDuplicates([`${FIRST} ← Your order shipped`]);
	});

	test('a Global ID of the user is never sent twice: each request and each half of a 413 split gets its own', async () => {
		sandbox.configure({ maxMessagesPerRequest: 2 });
		try {
			await runWorkflow({
				node: batchNode({ requestOptions: { globalId: 'campaign-7' }, batching: { concurrency: 1 } }),
				credentials: credentials(),
				items: threeItems.map((item, i) => ({ ...item, to: `+39335100010${i}` })),
			});
		} finally {
			sandbox.configure({ maxMessagesPerRequest: undefined });
		}
		expect(sandbox.requestsTo(BATCH_PATH).map((r) => [(r.body as BatchRequestBody).globalId, r.status])).toEqual([
			['campaign-7', 413],
			['campaign-7-1-2', 200],
			['campaign-7-3-3', 200],
		]);
	});
});
