import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { BATCH_INPUT_FIELDS } from '../../../../../nodes/AgileTelecom/actions/sms/sendBatch.description';
import { description } from '../../../../../nodes/AgileTelecom/actions/sms/sendBatch.operation';
import { API_DEFAULTS, BATCH_DEFAULTS, type BatchRequestBody } from '../../../../../nodes/AgileTelecom/helpers/batch';
import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';
import type { RecordedRequest } from '../../../../sandbox/server';
import { sendBatchParameters } from './sendBatchParameters';

// Version 5 (derived from the run) inside an execution, version 4 (random) outside one.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SEND_PATH = '/services/sms/send';

const sandbox = useSandbox();
afterEach(() => {
	sandbox.configure({ batchShape: 'results', processedCounts: 'destinations', maxMessagesPerRequest: undefined, rejections: {} });
});

function node(over: INodeParameters = {}, options: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return { parameters: sendBatchParameters(over), ...options };
}

const credentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url) });

async function send(items: IDataObject[], over: INodeParameters = {}, options: Partial<HarnessNodeOptions> = {}) {
	return await runWorkflow({ node: node(over, options), credentials: credentials(), items });
}

const sends = (): RecordedRequest[] => sandbox.requestsTo(SEND_PATH, 'POST');
const bodyOf = (request: RecordedRequest) => request.body as BatchRequestBody;

function people(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({ to: `+39335100000${i}`, text: `Hello ${i}` }));
}

describe('Send Batch: the request sent', () => {
	test('one item, one destination: method, path, headers and the exact body; the output names its id', async () => {
		const run = await send([{ to: '+39 335-123 4567', text: 'Hello' }]);

		expect(run.status).toBe('success');
		const [request, ...others] = sends();
		expect(others).toHaveLength(0);
		expect(request.method).toBe('POST');
		expect(request.path).toBe(SEND_PATH);
		expect(request.headers['x-api-key']).toBe('test-api-key');
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		const body = bodyOf(request);
		expect(body).toEqual({
			globalId: expect.stringMatching(UUID),
			messages: [{ destinations: ['+393351234567'], ids: [expect.stringMatching(UUID)], sender: 'InfoSMS', body: 'Hello' }],
		});
		expect(run.output).toEqual([
			{
				json: {
					accepted: true,
					globalId: body.globalId,
					encoding: 'GSM-7',
					parts: 1,
					results: [
						{ destination: '+393351234567', id: body.messages[0].ids[0], accepted: true, statusCode: 200, status: 'accepted' },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(sandbox.countDeliveries()).toEqual(new Map([[body.messages[0].ids[0], 1]]));
	});

	test('one item, several destinations as text (commas, new lines, 00 prefix) with the given ids', async () => {
		const run = await send([{ to: '0039 335 111 2222,\n+41-79-302-67-27 ; +44 7911 123456', text: 'Hi' }], {
			messageOptions: { ids: 'order-1, order-2\norder-3' },
		});

		expect(run.status).toBe('success');
		expect(bodyOf(sends()[0]).messages).toEqual([
			{
				destinations: ['+393351112222', '+41793026727', '+447911123456'],
				ids: ['order-1', 'order-2', 'order-3'],
				sender: 'InfoSMS',
				body: 'Hi',
			},
		]);
		expect(run.output?.[0].json.results).toEqual([
			{ destination: '+393351112222', id: 'order-1', accepted: true, statusCode: 200, status: 'accepted' },
			{ destination: '+41793026727', id: 'order-2', accepted: true, statusCode: 200, status: 'accepted' },
			{ destination: '+447911123456', id: 'order-3', accepted: true, statusCode: 200, status: 'accepted' },
		]);
	});

	test('an expression may return an array of destinations', async () => {
		await send([{ to: ['+393351112222', '0041793026727'], text: 'Hi' }]);
		expect(bodyOf(sends()[0]).messages[0].destinations).toEqual(['+393351112222', '+41793026727']);
	});

	test('several items go into one request, in input order, each output on its own item', async () => {
		const run = await send([
			{ to: '+393351000001', text: 'First' },
			{ to: '+393351000002, +393351000003', text: 'Second' },
			{ to: '+393351000004', text: 'Third' },
		]);

		const requests = sends();
		expect(requests).toHaveLength(1);
		const body = bodyOf(requests[0]);
		expect(body.messages.map((m) => [m.destinations, m.body])).toEqual([
			[['+393351000001'], 'First'],
			[['+393351000002', '+393351000003'], 'Second'],
			[['+393351000004'], 'Third'],
		]);
		expect(run.output?.map((o) => [o.pairedItem, o.json.globalId, (o.json.results as IDataObject[]).map((r) => r.id)])).toEqual([
			[{ item: 0 }, body.globalId, body.messages[0].ids],
			[{ item: 1 }, body.globalId, body.messages[1].ids],
			[{ item: 2 }, body.globalId, body.messages[2].ids],
		]);
	});

	test('every option: the fields the user added are sent, with their values and nothing else', async () => {
		const run = await send([{ to: '+393351234567', text: '48656C6C6F' }], {
			messageOptions: {
				ids: 'my-id-1',
				scheduling: '2036-05-20T08:30:00+02:00',
				hexBody: true,
				udhData: '050003CC0201',
			},
			requestOptions: {
				globalId: 'campaign-7',
				maxIdLen: 40,
				enableConcatenated: false,
				enableUnicode: false,
				enableDelivery: false,
				simulation: true,
			},
		});

		expect(run.status).toBe('success');
		expect(sends()[0].body).toEqual({
			globalId: 'campaign-7',
			maxIdLen: 40,
			enableConcatenated: false,
			enableUnicode: false,
			enableDelivery: false,
			simulation: true,
			messages: [
				{
					destinations: ['+393351234567'],
					ids: ['my-id-1'],
					sender: 'InfoSMS',
					body: '48656C6C6F',
					hexBody: true,
					udhData: '050003CC0201',
					scheduling: '2036-05-20 08:30:00.000+0200',
				},
			],
		});
		expect(run.output?.[0].json).toEqual({
			accepted: true,
			globalId: 'campaign-7',
			encoding: 'Binary',
			parts: 1,
			simulation: true,
			scheduling: '2036-05-20 08:30:00.000+0200',
			results: [{ destination: '+393351234567', id: 'my-id-1', accepted: true, statusCode: 200, status: 'accepted' }],
		});
	});

	test('options at their API default are still sent when added, so the body follows the parameters exactly', async () => {
		await send([{ to: '+393351234567', text: 'Hi' }], {
			messageOptions: { hexBody: false },
			requestOptions: { enableDelivery: true, simulation: false },
		});
		const body = bodyOf(sends()[0]);
		expect(Object.keys(body)).toEqual(['globalId', 'enableDelivery', 'simulation', 'messages']);
		expect([body.enableDelivery, body.simulation, body.messages[0].hexBody]).toEqual([true, false, false]);
	});

	test('the Qlara legacy format of a custom credential posts to /api/services/sms/send', async () => {
		await runWorkflow({
			node: node(),
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) },
			items: [{ to: '+393351234567', text: 'Hi' }],
		});
		expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/services/sms/send']);
	});

	test('generated ids respect a Max ID Length shorter than a UUID', async () => {
		await send([{ to: '+393351234567, +393351234568', text: 'Hi' }], { requestOptions: { maxIdLen: 12 } });
		const { ids } = bodyOf(sends()[0]).messages[0];
		expect(ids.map((id) => id.length)).toEqual([12, 12]);
		expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
		expect(ids[0]).not.toBe(ids[1]);
	});

	test('description defaults are the API defaults and the batching defaults', () => {
		const collection = (name: string) =>
			Object.fromEntries(
				(description.find((p) => p.name === name)?.options as Array<{ name: string; default: unknown }>).map((o) => [
					o.name,
					o.default,
				]),
			);
		const request = collection('requestOptions');
		expect({
			maxIdLen: request.maxIdLen,
			enableConcatenated: request.enableConcatenated,
			enableUnicode: request.enableUnicode,
			enableDelivery: request.enableDelivery,
			simulation: request.simulation,
		}).toEqual({ maxIdLen: 64, enableConcatenated: true, enableUnicode: true, enableDelivery: true, simulation: false });
		expect(API_DEFAULTS).toEqual({ maxIdLen: 64, enableConcatenated: true, enableUnicode: true, enableDelivery: true, simulation: false });
		expect(collection('batching')).toEqual({ ...BATCH_DEFAULTS });
	});
});

describe('Send Batch: batching', () => {
	test.each([
		[1, [1]],
		[3, [3]],
		[4, [3, 1]],
		[7, [3, 3, 1]],
	])('%i items with 3 messages per request → requests of %j messages', async (count, sizes) => {
		const run = await send(people(count), { batching: { messagesPerRequest: 3, concurrency: 1 } });

		const bodies = sends().map(bodyOf);
		expect(bodies.map((b) => b.messages.length)).toEqual(sizes);
		expect(bodies.flatMap((b) => b.messages.map((m) => m.body))).toEqual(people(count).map((p) => p.text));
		expect(new Set(bodies.map((b) => b.globalId)).size).toBe(bodies.length);
		// Each item reports the globalId of the request that carried it.
		const expected = bodies.flatMap((b) => b.messages.map(() => b.globalId));
		expect(run.output?.map((o) => o.json.globalId)).toEqual(expected);
		expect(sandbox.duplicates()).toEqual([]);
		expect(sandbox.stats.acceptedMessages).toBe(count);
	});

	test('the default batch size packs 500 messages per request (501 items → 500 + 1)', async () => {
		await send(people(501));
		expect(sends().map((r) => bodyOf(r).messages.length)).toEqual([500, 1]);
	});

	test('Max Destinations per Request closes a request before it would exceed the cap', async () => {
		await send(
			[
				{ to: '+393351000001, +393351000002', text: 'a' },
				{ to: '+393351000003, +393351000004', text: 'b' },
				{ to: '+393351000005', text: 'c' },
				{ to: '+393351000006', text: 'd' },
			],
			{ batching: { maxDestinationsPerRequest: 3, concurrency: 1 } },
		);
		expect(sends().map((r) => bodyOf(r).messages.map((m) => m.body))).toEqual([['a'], ['b', 'c'], ['d']]);
	});

	test('413: the request is halved and both halves sent; sizes that failed are split before sending', async () => {
		sandbox.configure({ maxMessagesPerRequest: 2 });
		const run = await send(people(5), { batching: { concurrency: 1 } });

		expect(run.status).toBe('success');
		expect(sends().map((r) => [bodyOf(r).messages.length, r.status])).toEqual([
			[5, 413],
			[3, 413],
			[2, 200],
			[1, 200],
			[2, 200],
		]);
		expect(run.output?.map((o) => o.json.accepted)).toEqual([true, true, true, true, true]);
		expect(sandbox.stats.acceptedMessages).toBe(5);
		expect(sandbox.duplicates()).toEqual([]);
	});

	test('413 on a single message: only that item fails (continue-on-fail), the others are sent', async () => {
		sandbox.configure({ maxMessagesPerRequest: 2 });
		const run = await send(
			[
				{ to: '+393351000001', text: 'ok' },
				{ to: '+393351000002, +393351000003, +393351000004', text: 'too many' },
			],
			{ batching: { concurrency: 1 } },
			{ onError: 'continueRegularOutput' },
		);

		expect(run.output?.[0].json.accepted).toBe(true);
		expect(run.output?.[1].json).toMatchObject({
			error: expect.stringContaining('Item 2 is too large even alone (3 destinations)'),
			details: { httpCode: '413', accepted: false, results: [{ accepted: false, statusCode: null, status: 'not sent: HTTP 413 (see the error)' }, {}, {}] },
		});
		expect(sandbox.stats.acceptedMessages).toBe(1);
	});

	test('requests in flight never exceed Concurrency', async () => {
		sandbox.configure({ latencyMs: 30 });
		try {
			await send(people(12), { batching: { messagesPerRequest: 1, concurrency: 3 } });
		} finally {
			sandbox.configure({ latencyMs: 0 });
		}
		const requests = sends();
		expect(requests).toHaveLength(12);
		// A request starts only when an earlier one has been answered: at most 3 arrive within one latency.
		const arrivals = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
		const maxInWindow = Math.max(...arrivals.map((t) => arrivals.filter((u) => u >= t && u < t + 25).length));
		expect(maxInWindow).toBeLessThanOrEqual(3);
		expect(maxInWindow).toBeGreaterThan(1);
	});

	test('a retried request (Retry on Server Errors) is byte-identical: same globalId, same ids', async () => {
		sandbox.injectFaults([{ method: 'POST', path: SEND_PATH, status: 500, body: { status: 'error', message: 'boom', code: 8 } }]);
		const run = await send(people(2), {
			retry: { retryOnServerErrors: true, initialDelay: 1, maxDelay: 5 },
		});

		expect(run.status).toBe('success');
		const [failed, retried] = sends();
		expect(sends()).toHaveLength(2);
		expect(failed.status).toBe(500);
		expect(JSON.stringify(retried.body)).toBe(JSON.stringify(failed.body));
		expect(run.output?.map((o) => o.json.globalId)).toEqual([bodyOf(retried).globalId, bodyOf(retried).globalId]);
	});
});

describe('Send Batch: responses', () => {
	test('the legacy counters shape: one destination per message, all counted, is accepted under either reading of processedMessages', async () => {
		for (const processedCounts of ['destinations', 'messages'] as const) {
			sandbox.reset();
			sandbox.configure({ batchShape: 'processed', processedCounts, credit: 42.5 });
			const run = await send([
				{ to: '+393351000001', text: `Hi ${processedCounts}` },
				{ to: '+393351000002', text: `Hi ${processedCounts}` },
			]);
			const body = bodyOf(sends()[0]);
			expect(run.output?.[0].json).toEqual({
				accepted: true,
				globalId: body.globalId,
				encoding: 'GSM-7',
				parts: 1,
				credit: 42.5,
				processedMessages: 2,
				processedSmsParts: 2,
				// No per-destination status was sent, so none is shown.
				results: [{ destination: '+393351000001', id: body.messages[0].ids[0], accepted: true, statusCode: null, status: 'accepted' }],
			});
		}
		sandbox.configure({ credit: undefined });
	});

	test.each([
		['destinations', 'every destination accepted', {}, true],
		['messages', 'every destination accepted', {}, null],
		['destinations', 'one destination refused', { '+393351000002': 402 }, null],
		['messages', 'one destination refused', { '+393351000002': 402 }, null],
	] as const)(
		'the legacy counters shape, two destinations in one message, processedMessages counting %s, %s: accepted %s (a count below 2 cannot say which)',
		async (processedCounts, _case, rejections, accepted) => {
			sandbox.configure({ batchShape: 'processed', processedCounts, rejections });
			const run = await send([{ to: '+393351000001, +393351000002', text: 'Hi' }]);

			expect(run.status).toBe('success');
			const json = run.output?.[0].json as IDataObject;
			expect(json.accepted).toBe(accepted);
			expect((json.results as IDataObject[]).map((r) => [r.accepted, r.statusCode])).toEqual([
				[accepted, null],
				[accepted, null],
			]);
			if (accepted === null) {
				expect(json.warning).toMatch(
					/^Agile Telecom answered, but it counted 1 for 1 message to 2 destinations, and does not say whether it counts destinations or messages: check the delivery reports/,
				);
			} else {
				expect(json).not.toHaveProperty('warning');
			}
		},
	);

	test('a destination rejected inside a 200 fails only its item (continue-on-fail), keeping the accepted ones', async () => {
		sandbox.configure({ rejections: { '+393351000002': 402 } });
		const run = await send(
			[
				{ to: '+393351000001, +393351000002', text: 'Mixed' },
				{ to: '+393351000003', text: 'Fine' },
			],
			{},
			{ onError: 'continueRegularOutput' },
		);

		expect(run.status).toBe('success');
		const body = bodyOf(sends()[0]);
		const failed = run.output?.[0].json as IDataObject;
		expect(failed.error).toBe('Item 1: Agile Telecom did not accept the SMS to +393351000002: insufficient credit (status 402)');
		expect(Object.keys(failed)).toEqual(['error', 'details']);
		expect(failed.details).toEqual({
			description: expect.stringContaining('1 other destination of this item was accepted (see details): do not send it again'),
			httpCode: '402',
			accepted: false,
			globalId: body.globalId,
			encoding: 'GSM-7',
			parts: 1,
			results: [
				{ destination: '+393351000001', id: body.messages[0].ids[0], accepted: true, statusCode: 200, status: 'accepted' },
				{
					destination: '+393351000002',
					id: body.messages[0].ids[1],
					accepted: false,
					statusCode: 402,
					status: 'insufficient credit',
				},
			],
		});
		expect(run.output?.[1].json.accepted).toBe(true);
		expect(sends()).toHaveLength(1);
	});

	test.each([
		[403, 'destination blacklisted or opted out'],
		[401, 'sender not authorised for this destination or country'],
		[400, 'invalid destination or body'],
		[429, 'throttled (per-account or per-route limit)'],
		[500, 'internal error at Agile Telecom'],
	])('per-destination status %i is named by its documented meaning', async (code, meaning) => {
		sandbox.configure({ rejections: { '+393351000001': code } });
		// No resend of the transient ones (429, 500) here: the naming is what this test is about.
		const run = await send([{ to: '+393351000001', text: 'Hi' }], { retry: { maxRetries: 0 } }, { onError: 'continueRegularOutput' });
		expect(run.output?.[0].json.error).toBe(`Item 1: Agile Telecom did not accept the SMS to +393351000001: ${meaning} (status ${code})`);
	});

	test('without continue-on-fail a rejection throws a NodeApiError naming item and destination, and nothing more is sent', async () => {
		sandbox.configure({ rejections: { '+393351000000': 403 } });
		const error = await executeBare({
			node: node({ batching: { messagesPerRequest: 1, concurrency: 1 } }),
			credentials: credentials(),
			items: people(3),
		}).catch((e: unknown) => e);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe('Item 1: Agile Telecom did not accept the SMS to +393351000000: destination blacklisted or opted out (status 403)');
		expect((error as NodeApiError).httpCode).toBe('403');
		expect(sends()).toHaveLength(1);
	});

	test('a failure every request would repeat (401) stops sending; with continue-on-fail every item gets it', async () => {
		const run = await runWorkflow({
			node: node({ batching: { messagesPerRequest: 1, concurrency: 1 } }, { onError: 'continueRegularOutput' }),
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { apiKey: 'wrong-key' }) },
			items: people(3),
		});

		expect(run.output?.map((o) => (o.json.details as IDataObject).httpCode)).toEqual(['401', '401', '401']);
		// Only the first item's request went out; items 2 and 3 were never sent.
		expect(sends().map((r) => bodyOf(r).messages[0].destinations[0])).toEqual(['+393351000000']);
	});

	test('pairedItem of every output, error items included, on the raw node output', async () => {
		sandbox.configure({ rejections: { '+393351000001': 402 } });
		const output = await executeBare({
			node: node({}, { onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: [...people(3), { to: 'not a number', text: 'x' }],
		});
		expect(output?.[0].map((o) => [o.pairedItem, 'error' in o.json])).toEqual([
			[{ item: 0 }, false],
			[{ item: 1 }, true],
			[{ item: 2 }, false],
			[{ item: 3 }, true],
		]);
	});
});

describe('Send Batch: validation before sending', () => {
	test.each([
		[{ to: '3351234567', text: 'x' }, {}, 'Item 2: Destinations: "3351234567" has no international prefix'],
		[{ to: '+39 abc', text: 'x' }, {}, 'Item 2: Destinations: "+39 abc" is not a phone number in international format'],
		[{ to: '', text: 'x' }, {}, 'Item 2: Destinations: at least one phone number is required'],
		[{ to: '+393351234567', text: '   ' }, {}, 'Item 2: Body: is empty'],
		[{ to: '+393351234567', text: 'x' }, { sender: 'Info SMS' }, 'Item 1: Sender: "Info SMS" may contain only letters and digits'],
		[{ to: '+393351234567', text: 'x' }, { sender: 'InfoSMSisTooLong' }, 'Item 1: Sender: "InfoSMSisTooLong" has 16 characters'],
		[{ to: '+393351234567, +393351234568', text: 'x' }, { messageOptions: { ids: '={{ $json.text }}' } }, 'Item 2: IDs: 1 IDs for 2 destinations'],
		[{ to: '+393351234567', text: 'x' }, { messageOptions: { scheduling: '={{ $json.text }}' } }, 'Item 2: Scheduling: "x" is not a date and time', '2036-05-20T08:30:00Z'],
		[{ to: '+393351234567', text: 'ABC' }, { messageOptions: { hexBody: true } }, 'Item 2: Body: with Hex Body on, has 3 hex digits', '48656C6C6F'],
		[{ to: '+393351234567', text: '0G' }, { messageOptions: { hexBody: true } }, 'Item 2: Body: with Hex Body on, may contain only the hex digits', '48656C6C6F'],
		[{ to: '+393351234567', text: 'x' }, { messageOptions: { udhData: '05000' } }, 'Item 1: UDH Data: has 5 hex digits'],
		[{ to: '+393351234567, +393351234568', text: 'x' }, { batching: { maxDestinationsPerRequest: 1 } }, 'Item 2: Destinations: 2 numbers are more than Max Destinations per Request (1)'],
	])('%j with %j → "%s"; without continue-on-fail nothing is sent', async (bad, over, message, firstText = 'fine') => {
		// Item 1 is valid (unless a fixed parameter is the problem: then item 1 fails first); item 2 is the bad one.
		const items = [{ to: '+393351234567', text: firstText }, bad];
		const error = await executeBare({ node: node(over as INodeParameters), credentials: credentials(), items }).catch(
			(e: unknown) => e,
		);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message.startsWith(message)).toBe(true);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('with continue-on-fail the invalid item becomes an error item and the valid ones are still sent', async () => {
		const run = await send(
			[
				{ to: '+393351000001', text: 'ok' },
				{ to: '12345', text: 'bad' },
				{ to: '+393351000003', text: 'ok too' },
			],
			{},
			{ onError: 'continueRegularOutput' },
		);

		expect(bodyOf(sends()[0]).messages.map((m) => m.body)).toEqual(['ok', 'ok too']);
		expect(run.output?.map((o) => o.json.accepted ?? o.json.error)).toEqual([
			true,
			expect.stringMatching(/^Item 2: Destinations: "12345" has no international prefix/),
			true,
		]);
	});
});

describe('Send Batch: encoding and parts on the output', () => {
	test.each([
		['plain GSM-7, 160 characters', 'a'.repeat(160), 'GSM-7', 1],
		['plain GSM-7, 161 characters', 'a'.repeat(161), 'GSM-7', 2],
		['Italian lowercase accents stay GSM-7', 'è'.repeat(160), 'GSM-7', 1],
		['uppercase È forces UCS-2', `È${'a'.repeat(69)}`, 'UCS-2', 1],
		['an emoji takes two UCS-2 units', `😀${'a'.repeat(69)}`, 'UCS-2', 2],
		['extension characters count double', '€'.repeat(80), 'GSM-7', 1],
		['extension characters count double, 81 of them', '€'.repeat(81), 'GSM-7', 2],
	])('%s', async (_name, text, encoding, parts) => {
		const run = await send([{ to: '+393351234567', text }]);
		expect([run.output?.[0].json.encoding, run.output?.[0].json.parts]).toEqual([encoding, parts]);
	});

	test('without concatenation a long text is one part; without Unicode it is counted as GSM-7', async () => {
		const run = await send([{ to: '+393351234567', text: `È${'a'.repeat(200)}` }], {
			requestOptions: { enableConcatenated: false, enableUnicode: false },
		});
		expect([run.output?.[0].json.encoding, run.output?.[0].json.parts]).toEqual(['GSM-7', 1]);
	});
});

describe('Send Batch: Auto-Map Input Fields', () => {
	test('destinations, body, sender, ids and scheduling come from fields named like the API fields, without expressions', async () => {
		const run = await send(
			[
				{ destinations: '+393351000001', body: 'First', ids: 'row-1' },
				{ destinations: ['+393351000002', '0041793026727'], body: 'Second', sender: 'Shop2', scheduling: '2036-05-20T08:30:00+02:00' },
			],
			{ dataMode: 'autoMapInputData', destinations: undefined, body: undefined, sender: 'InfoSMS' },
		);

		expect(run.status).toBe('success');
		const { messages } = bodyOf(sends()[0]);
		expect(messages).toEqual([
			{ destinations: ['+393351000001'], ids: ['row-1'], sender: 'InfoSMS', body: 'First' },
			{
				destinations: ['+393351000002', '+41793026727'],
				ids: [expect.stringMatching(UUID), expect.stringMatching(UUID)],
				sender: 'Shop2',
				body: 'Second',
				scheduling: '2036-05-20 08:30:00.000+0200',
			},
		]);
		expect(run.output?.map((o) => o.json.accepted)).toEqual([true, true]);
	});

	test('renamed and nested fields', async () => {
		await send([{ contact: { phone: '+393351000001' }, message: 'Hi' }], {
			dataMode: 'autoMapInputData',
			sender: 'InfoSMS',
			inputFields: { destinationsField: 'contact.phone', bodyField: 'message' },
		});
		expect(bodyOf(sends()[0]).messages).toEqual([{ destinations: ['+393351000001'], ids: [expect.stringMatching(UUID)], sender: 'InfoSMS', body: 'Hi' }]);
	});

	test.each([
		[{ body: 'x' }, {}, 'Item 1: Destinations (field "destinations"): at least one phone number is required'],
		[{ destinations: '+393351000001' }, {}, 'Item 1: Body (field "body"): is required'],
		[{ destinations: '+393351000001', body: 'x' }, { sender: '' }, 'Item 1: Sender (field "sender" or the Sender parameter): is required'],
		[{ to: '3351000001', body: 'x' }, { inputFields: { destinationsField: 'to' } }, 'Item 1: Destinations (field "to"): "3351000001" has no international prefix'],
	])('%j → "%s", nothing sent', async (item, over, message) => {
		const error = await executeBare({
			node: node({ dataMode: 'autoMapInputData', sender: 'InfoSMS', ...over } as INodeParameters),
			credentials: credentials(),
			items: [item],
		}).catch((e: unknown) => e);
		expect((error as NodeOperationError).message.startsWith(message)).toBe(true);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('the field-name defaults the description declares are the ones the code reads', () => {
		const inputFields = description.find((p) => p.name === 'inputFields')?.options as Array<{ name: string; default: unknown }>;
		expect(Object.fromEntries(inputFields.map((o) => [o.name, o.default]))).toEqual({ ...BATCH_INPUT_FIELDS });
	});
});

describe('Send Batch: Merge Fields', () => {
	const template = 'Hi {name}, your order {order.number} has shipped.';

	test('{field} markers are filled from each item by the node; parts are counted on the filled text', async () => {
		const run = await send(
			[
				{ to: '+393351000001', name: 'Ada', order: { number: 1042 } },
				{ to: '+393351000002', name: 'B'.repeat(150), order: { number: 7 } },
			],
			{ body: template, messageOptions: { mergeFields: true } },
		);
		expect(bodyOf(sends()[0]).messages.map((m) => m.body)).toEqual([
			'Hi Ada, your order 1042 has shipped.',
			`Hi ${'B'.repeat(150)}, your order 7 has shipped.`,
		]);
		expect(run.output?.map((o) => o.json.parts)).toEqual([1, 2]);
	});

	test('an item without the field fails before anything is sent, naming item and field', async () => {
		const error = await executeBare({
			node: node({ body: template, messageOptions: { mergeFields: true } }),
			credentials: credentials(),
			items: [{ to: '+393351000001', name: 'Ada', order: { number: 1 } }, { to: '+393351000002', name: 'Bo' }],
		}).catch((e: unknown) => e);
		expect((error as NodeOperationError).message).toBe(
			'Item 2: Body: the item has no text field "order.number" for {order.number} (Merge Fields is on)',
		);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('without Merge Fields the braces are sent as written', async () => {
		await send([{ to: '+393351000001', name: 'Ada' }], { body: 'Hi {name}' });
		expect(bodyOf(sends()[0]).messages[0].body).toBe('Hi {name}');
	});
});
