import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_MAX_CONCURRENCY,
	DEFAULT_MAX_REQUESTS_PER_SECOND,
	description,
} from '../../../../../nodes/AgileTelecom/actions/sms/send.operation';
import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';
import type { RecordedRequest } from '../../../../sandbox/server';

const SEND_PATH = '/api/message-server/sms/send';
// Version 5 (derived from the run) inside an execution, version 4 (random) outside one.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FAST_RETRY = { initialDelay: 10, maxDelay: 60000 };

const sandbox = useSandbox();
afterEach(() => {
	sandbox.configure({ qlaraShape: 'sms', qlaraChannel: 'sms', rateLimit: undefined, latencyMs: 0, rejections: {} });
});

// Send (Qlara) needs a Qlara account: the sandbox stands in for one through a custom URL in the Qlara format.
const credentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

/** Destination and body come from each item, as in a real workflow. */
function params(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'sms',
		operation: 'send',
		destination: '={{ $json.to }}',
		sender: 'MyShop',
		body: '={{ $json.text }}',
		...extra,
	};
}

function node(extra: INodeParameters = {}, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return { parameters: params(extra), ...over };
}

const sends = (): RecordedRequest[] => sandbox.requestsTo(SEND_PATH);
const bodies = () => sends().map((r) => r.body as IDataObject);

describe('request', () => {
	it('sends the minimal body: normalised destination, sender, body and a generated UUID message id', async () => {
		const run = await runWorkflow({
			node: node(),
			credentials: credentials(),
			items: [{ to: '0039 335 123 4567', text: 'Your code is 1234' }],
		});

		expect(run.status).toBe('success');
		const [request] = sends();
		expect(sends()).toHaveLength(1);
		expect(request.method).toBe('POST');
		expect(request.path).toBe(SEND_PATH);
		expect(request.headers['x-api-key']).toBe('test-api-key');
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.headers.accept).toBe('application/json');
		expect(request.headers.authorization).toBeUndefined();
		const messageId = (request.body as IDataObject).messageId as string;
		expect(messageId).toMatch(UUID);
		expect(request.body).toEqual({
			destination: '+393351234567',
			sender: 'MyShop',
			body: 'Your code is 1234',
			messageId,
		});
		expect(run.output?.map((i) => i.json)).toEqual([
			{
				messageId,
				destination: '+393351234567',
				accepted: true,
				simulation: false,
				encoding: 'GSM-7',
				parts: 1,
				serverEncoding: 'GSM-7',
				serverParts: 1,
				channel: 'sms',
			},
		]);
		expect(sandbox.countDeliveries()).toEqual(new Map([[messageId, 1]]));
	});

	it('sends every option exactly as documented (agile-api.md §4.1)', async () => {
		const run = await runWorkflow({
			node: node({
				options: {
					campaignId: 'spring-sale',
					enableNotification: false,
					messageId: 'order-42',
					placeholders: {
						placeholder: [
							{ name: 'name', value: 'Ada' },
							{ name: 'code', value: '={{ $json.code }}' },
						],
					},
					scheduledDate: '2036-05-20T08:30:00+02:00',
					simulation: true,
					skipRcsOverride: true,
					udhData: '050003CC0201',
				},
			}),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hi {name}, your code is {code}', code: 7781 }],
		});

		expect(run.status).toBe('success');
		expect(bodies()).toEqual([
			{
				destination: '+393351234567',
				sender: 'MyShop',
				body: 'Hi {name}, your code is {code}',
				messageId: 'order-42',
				campaignId: 'spring-sale',
				placeholders: { name: 'Ada', code: '7781' },
				scheduledDate: '2036-05-20 08:30:00.000+0200',
				simulation: true,
				enableNotification: false,
				skipRcsOverride: true,
				udhData: '050003CC0201',
			},
		]);
		expect(run.output?.map((i) => i.json)).toEqual([
			{
				messageId: 'order-42',
				destination: '+393351234567',
				accepted: true,
				simulation: true,
				encoding: 'GSM-7',
				parts: 1,
				serverEncoding: 'GSM-7',
				serverParts: 1,
				channel: 'sms',
				campaignId: 'spring-sale',
				scheduledDate: '2036-05-20 08:30:00.000+0200',
			},
		]);
	});

	it('sends false flags when they are set, and omits options left empty', async () => {
		await runWorkflow({
			node: node({ options: { simulation: false, skipRcsOverride: false, campaignId: '', messageId: '', udhData: '' } }),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'x' }],
		});
		const [body] = bodies();
		expect(body).toEqual({
			destination: '+393351234567',
			sender: 'MyShop',
			body: 'x',
			messageId: expect.stringMatching(UUID),
			simulation: false,
			skipRcsOverride: false,
		});
	});

	it('reads a scheduled date without offset in the workflow time zone', async () => {
		const run = await runWorkflow({
			node: node({ options: { scheduledDate: '={{ $json.when }}' } }),
			credentials: credentials(),
			// Mid-January: Europe/Rome is UTC+1, so 09:00 local is 08:00Z.
			items: [{ to: '+393351234567', text: 'x', when: '2036-01-15T09:00:00' }],
		});
		const sent = bodies()[0].scheduledDate as string;
		// Whatever zone the engine uses, the date sent is the same wall-clock time with that zone's offset.
		expect(sent).toMatch(/^2036-01-15 09:00:00\.000[+-]\d{4}$/);
		expect(run.output?.[0].json.scheduledDate).toBe(sent);
	});

	it('gives every item its own id and keeps a user id as given', async () => {
		const run = await runWorkflow({
			node: node({ options: { messageId: '={{ $json.id }}' } }),
			credentials: credentials(),
			items: [
				{ to: '+393351234567', text: 'a', id: 'mine-1' },
				{ to: '+393351234568', text: 'b', id: '' },
				{ to: '+393351234569', text: 'c', id: '' },
			],
		});
		const ids = run.output?.map((i) => i.json.messageId);
		expect(ids?.[0]).toBe('mine-1');
		expect(ids?.[1]).toMatch(UUID);
		expect(ids?.[2]).toMatch(UUID);
		expect(new Set(ids).size).toBe(3);
		expect(new Set(bodies().map((b) => b.messageId))).toEqual(new Set(ids));
	});
});

describe('idempotent message ids', () => {
	it('resends the same generated id after a 429', async () => {
		sandbox.injectFaults([
			{
				method: 'POST',
				path: SEND_PATH,
				status: 429,
				headers: { 'Retry-After': '0' },
				body: { status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded.', retryAfter: 0 },
			},
		]);
		const run = await runWorkflow({
			node: node(),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hello' }],
		});

		expect(run.status).toBe('success');
		expect(sends().map((r) => r.status)).toEqual([429, 200]);
		const [first, second] = bodies();
		expect(first.messageId).toMatch(UUID);
		expect(second).toEqual(first);
		expect(run.output?.[0].json.messageId).toBe(first.messageId);
		expect(sandbox.countDeliveries()).toEqual(new Map([[first.messageId, 1]]));
	});

	it('resends the same generated id after a 500 when "Retry on Server Errors" is on', async () => {
		sandbox.injectFaults([{ method: 'POST', path: SEND_PATH, status: 500, body: { message: 'boom' } }]);
		const run = await runWorkflow({
			node: node({ retry: { ...FAST_RETRY, retryOnServerErrors: true } }),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hello' }],
		});

		expect(run.status).toBe('success');
		expect(sends().map((r) => r.status)).toEqual([500, 200]);
		const [first, second] = bodies();
		expect(second).toEqual(first);
		expect(run.output?.[0].json.messageId).toBe(first.messageId);
		expect(sandbox.duplicates()).toEqual([]);
	});

	it('makes the duplicate of an ambiguous retry traceable: both attempts carry one id', async () => {
		// The connection drops after the platform accepted the SMS: the retry really sends it twice.
		sandbox.injectFaults([{ method: 'POST', path: SEND_PATH, drop: 'before-response' }]);
		const run = await runWorkflow({
			node: node({ retry: { ...FAST_RETRY, retryOnServerErrors: true } }),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hello' }],
		});

		expect(run.status).toBe('success');
		const [first, second] = bodies();
		expect(second).toEqual(first);
		expect(sandbox.countDeliveries()).toEqual(new Map([[first.messageId, 2]]));
		sandbox.expectDuplicates([String(first.messageId), '+393351234567 ← Hello']);
		expect(run.output?.[0].json.messageId).toBe(first.messageId);
	});

	it('does not retry a 500 by default and reports the id that may have been sent', async () => {
		sandbox.injectFaults([{ method: 'POST', path: SEND_PATH, status: 500, body: { message: 'boom' } }]);
		const run = await runWorkflow({
			node: node({}, { onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hello' }],
		});
		expect(sends()).toHaveLength(1);
		expect(run.output?.[0].json).toMatchObject({
			error: 'Agile Telecom had a server error (HTTP 500): boom',
			details: { httpCode: '500', description: expect.stringContaining('may or may not have been accepted') },
		});
	});
});

describe('concurrency and order', () => {
	it('outputs items in input order although their requests finish in reverse order', async () => {
		// The first request to arrive is the slowest: completion order is the reverse of arrival order.
		sandbox.injectFaults(
			[240, 160, 80, 0].map((delayMs) => ({ method: 'POST', path: SEND_PATH, delayMs })),
		);
		const input = ['+393350000001', '+393350000002', '+393350000003', '+393350000004'];
		const output = await executeBare({
			node: node({ throughput: { maxConcurrency: 4, maxRequestsPerSecond: 1000 } }),
			credentials: credentials(),
			items: input.map((to, n) => ({ to, text: `message ${n}` })),
		});

		const finishedOrder = [...sends()]
			.sort((a, b) => a.receivedAt + (a.fault?.delayMs ?? 0) - (b.receivedAt + (b.fault?.delayMs ?? 0)))
			.map((r) => (r.body as IDataObject).destination);
		expect(finishedOrder).not.toEqual(input);
		expect(output?.[0].map((i) => i.json.destination)).toEqual(input);
		expect(output?.[0].map((i) => i.pairedItem)).toEqual(input.map((_, item) => ({ item })));
		for (const item of output?.[0] ?? []) {
			const request = sends().find((r) => (r.body as IDataObject).destination === item.json.destination);
			expect((request?.body as IDataObject).messageId).toBe(item.json.messageId);
			expect((request?.body as IDataObject).body).toBe(`message ${input.indexOf(item.json.destination as string)}`);
		}
		expect(sandbox.duplicates()).toEqual([]);
	});

	it('keeps at most maxConcurrency requests in flight', async () => {
		sandbox.configure({ latencyMs: 60 });
		await runWorkflow({
			node: node({ throughput: { maxConcurrency: 2, maxRequestsPerSecond: 1000 } }),
			credentials: credentials(),
			items: Array.from({ length: 6 }, (_, n) => ({ to: `+3933500000${10 + n}`, text: 'x' })),
		});
		const arrivals = sends().map((r) => r.receivedAt);
		expect(arrivals).toHaveLength(6);
		// With 60 ms per answer and 2 in flight, the 3rd request cannot arrive before the 1st answered.
		for (let k = 2; k < arrivals.length; k++) expect(arrivals[k] - arrivals[k - 2]).toBeGreaterThanOrEqual(55);
	});

	it('spaces requests by 1 / maxRequestsPerSecond', async () => {
		const started = Date.now();
		await runWorkflow({
			node: node({ throughput: { maxConcurrency: 5, maxRequestsPerSecond: 20 } }),
			credentials: credentials(),
			items: Array.from({ length: 6 }, (_, n) => ({ to: `+3933500000${20 + n}`, text: 'x' })),
		});
		const arrivals = sends().map((r) => r.receivedAt);
		expect(arrivals).toHaveLength(6);
		// 20/s = one slot every 50 ms from the first request on: the sixth cannot start before 250 ms.
		// (Arrival gaps are not compared: opening a new connection delays some arrivals, not their slots.)
		expect(arrivals[5] - started).toBeGreaterThanOrEqual(250);
		expect(arrivals[5] - started).toBeLessThan(1500);
	});

	it('after a 429 every worker waits the requested time, not only the one that got it', async () => {
		// The sandbox allows 4 requests per second (bucket of 4); the node is set 5 times faster.
		sandbox.configure({ rateLimit: { perSecond: 4 } });
		const items = Array.from({ length: 10 }, (_, n) => ({ to: `+3933500001${10 + n}`, text: `m${n}` }));
		const run = await runWorkflow({
			node: node({ throughput: { maxConcurrency: 4, maxRequestsPerSecond: 20 }, retry: { maxRetries: 10 } }),
			credentials: credentials(),
			items,
		});

		expect(run.status).toBe('success');
		expect(run.output).toHaveLength(10);
		const rejected = sends().filter((r) => r.status === 429);
		expect(rejected.length).toBeGreaterThan(0);
		for (const r of rejected) {
			// Retry-After is 1 s (the sandbox rounds up). Requests already in flight may still arrive just after
			// the 429; nothing may start later than that until the second is over.
			const during = sends().filter((o) => o.receivedAt > r.receivedAt + 40 && o.receivedAt < r.receivedAt + 950);
			expect(during).toEqual([]);
		}
		expect(sandbox.duplicates()).toEqual([]);
		expect(new Set(bodies().filter((_, k) => sends()[k].status === 200).map((b) => b.destination))).toEqual(
			new Set(items.map((i) => i.to)),
		);
	});
});

describe('responses', () => {
	it('parses the results[] array shape (quick-start)', async () => {
		sandbox.configure({ qlaraShape: 'array' });
		const run = await runWorkflow({
			node: node(),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hello' }],
		});
		const messageId = bodies()[0].messageId;
		expect(run.output?.map((i) => i.json)).toEqual([
			{
				messageId,
				destination: '+393351234567',
				accepted: true,
				simulation: false,
				encoding: 'GSM-7',
				parts: 1,
				channel: 'sms',
				statusCode: 200,
			},
		]);
	});

	it('keeps our message id and reports the platform id when the platform answers with its own', async () => {
		sandbox.injectFaults([
			{
				method: 'POST',
				path: SEND_PATH,
				status: 200,
				body: {
					messageId: 'msg_1234567890',
					customerMessageId: 'order-7',
					simulation: false,
					results: [{ phoneNumber: '+393901234567', accepted: true, channel: 'sms', statusCode: 200 }],
				},
			},
		]);
		const run = await runWorkflow({
			node: node({ options: { messageId: 'order-7' } }),
			credentials: credentials(),
			items: [{ to: '+393901234567', text: 'Hello' }],
		});
		expect(run.output?.[0].json).toMatchObject({ messageId: 'order-7', providerMessageId: 'msg_1234567890' });
	});

	it('counts encoding and parts on the body after placeholders, next to the server counts', async () => {
		const long = 'a'.repeat(150);
		const run = await runWorkflow({
			node: node({
				options: { placeholders: { placeholder: [{ name: 'tail', value: '={{ $json.tail }}' }] } },
			}),
			credentials: credentials(),
			items: [
				{ to: '+393351234567', text: `${long}{tail}`, tail: 'bbbbbbbbbbbb' },
				{ to: '+393351234568', text: 'Ciao {tail}', tail: 'È tardi 😀' },
			],
		});
		expect(run.output?.map((i) => i.json)).toEqual([
			expect.objectContaining({ encoding: 'GSM-7', parts: 2, serverEncoding: 'GSM-7', serverParts: 2 }),
			expect.objectContaining({
				encoding: 'UCS-2',
				parts: 1,
				serverEncoding: 'UCS-2',
				serverParts: 1,
				nonGsmCharacters: ['È', '😀'],
			}),
		]);
	});
});

describe('accepted: false', () => {
	const rejected = '+393350000402';

	it('fails the run with the reasons, and stops sending', async () => {
		sandbox.setRejections({ [rejected]: 402 });
		const run = await runWorkflow({
			node: node({ throughput: { maxConcurrency: 1 } }),
			credentials: credentials(),
			items: [
				{ to: rejected, text: 'a' },
				{ to: '+393351234567', text: 'b' },
				{ to: '+393351234568', text: 'c' },
			],
		});
		expect(run.status).toBe('error');
		expect(run.error?.name).toBe('NodeApiError');
		expect(run.error?.message).toBe(
			`Item 1: Agile Telecom did not accept the SMS to ${rejected}: Insufficient credit (code 402)`,
		);
		expect(sends()).toHaveLength(1);
	});

	it('rejects with a NodeApiError carrying the item index and the message id', async () => {
		sandbox.setRejections({ [rejected]: 402 });
		const run = executeBare({
			node: node(),
			credentials: credentials(),
			items: [{ to: rejected, text: 'a' }],
		});
		await expect(run).rejects.toBeInstanceOf(NodeApiError);
		const error = (await run.catch((e: unknown) => e)) as NodeApiError;
		expect(error.httpCode).toBe('402');
		expect(error.context.itemIndex).toBe(0);
		expect(error.description).toContain(String(bodies()[0].messageId));
	});

	it('becomes an error item under continue-on-fail; the other items are sent', async () => {
		sandbox.setRejections({ [rejected]: 403 });
		const output = await executeBare({
			node: node({}, { onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: [
				{ to: '+393351234567', text: 'a' },
				{ to: rejected, text: 'b' },
				{ to: '+393351234568', text: 'c' },
			],
		});
		const items = output?.[0] ?? [];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.accepted).toBe(true);
		expect(items[2].json.accepted).toBe(true);
		expect(items[1].json.error).toBe(
			`Item 2: Agile Telecom did not accept the SMS to ${rejected}: Destination blacklisted or opted out (code 403)`,
		);
		expect((items[1].json.details as IDataObject).httpCode).toBe('403');
		expect(sends()).toHaveLength(3);
	});

	it('reads the rejection of the results[] shape', async () => {
		sandbox.configure({ qlaraShape: 'array' });
		sandbox.setRejections({ [rejected]: 402 });
		const output = await executeBare({
			node: node({}, { onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: [{ to: rejected, text: 'a' }],
		});
		expect(output?.[0][0].json).toMatchObject({
			error: `Item 1: Agile Telecom did not accept the SMS to ${rejected}: Insufficient credit (code 402)`,
			details: { httpCode: '402', accepted: false, statusCode: 402, reasons: ['Insufficient credit (code 402)'] },
		});
	});
});

describe('validation', () => {
	const cases: Array<[string, IDataObject, INodeParameters, string]> = [
		['destination without prefix', { to: '3351234567' }, {}, 'Item 2: Destination: "3351234567" has no international prefix'],
		['destination not a number', { to: 'call me' }, {}, 'Item 2: Destination: "call me" is not a phone number'],
		['empty destination', { to: '' }, {}, 'Item 2: Destination: at least one phone number is required'],
		['two destinations', { to: '+393351234567, +393351234568' }, {}, 'Item 2: Destination: one number per item (use Send Batch for lists)'],
		['sender too long', { sender: 'VeryLongSender' }, {}, 'Item 2: Sender: "VeryLongSender" has 14 characters'],
		['sender with spaces', { sender: 'My Shop' }, {}, 'Item 2: Sender: "My Shop" may contain only letters and digits'],
		['empty body', { text: '   ' }, {}, 'Item 2: Body: is empty'],
		['campaign id too long', { campaign: 'c'.repeat(256) }, {}, 'Item 2: Campaign ID: has 256 characters; at most 255'],
		['scheduled date unreadable', { when: 'tomorrow morning' }, {}, 'Item 2: Scheduled Date: "tomorrow morning" is not a date'],
		['udh not hex', {}, { udhData: 'XYZ' }, 'Item 2: UDH Data: may contain only the hex digits 0-9 and A-F'],
		['placeholder without name', {}, { placeholders: { placeholder: [{ name: '', value: 'x' }] } }, 'Item 2: Placeholders: a placeholder has no name'],
		['placeholder twice', {}, { placeholders: { placeholder: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] } }, 'Item 2: Placeholders: "a" is given twice'],
	];

	function validationNode(options: INodeParameters, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
		return node(
			{
				sender: '={{ $json.sender ?? "MyShop" }}',
				options: {
					campaignId: '={{ $json.campaign ?? "" }}',
					scheduledDate: '={{ $json.when ?? "" }}',
					...options,
				},
			},
			over,
		);
	}
	const good = { to: '+393351234567', text: 'ok' };
	// Only item 2 carries the broken field (or the broken option applies to it alone via its position).
	const itemsFor = (bad: IDataObject) => [good, { ...good, ...bad }, { ...good, to: '+393351234568' }];

	it.each(cases)('%s: nothing is sent, the error names item and field', async (_, bad, options, message) => {
		// Options that are not per-item expressions apply to every item; then item 1 is the one reported.
		const expected = Object.keys(options).length > 0 ? message.replace('Item 2:', 'Item 1:') : message;
		const run = executeBare({ node: validationNode(options), credentials: credentials(), items: itemsFor(bad) });
		await expect(run).rejects.toBeInstanceOf(NodeOperationError);
		const error = (await run.catch((e: unknown) => e)) as NodeOperationError;
		expect(error.message.startsWith(expected)).toBe(true);
		expect(error.context.itemIndex).toBe(expected.startsWith('Item 1:') ? 0 : 1);
		expect(sends()).toHaveLength(0);
	});

	it('a message ID given to two items fails the second before anything is sent', async () => {
		const run = executeBare({
			node: node({ options: { messageId: '={{ $json.id }}' } }),
			credentials: credentials(),
			items: [good, { ...good, to: '+393351234568' }].map((item) => ({ ...item, id: 'order-1' })),
		});
		await expect(run).rejects.toThrow('Item 2: Message ID: "order-1" is already the ID of item 1; every SMS needs its own ID');
		expect(sends()).toHaveLength(0);
	});

	it('under continue-on-fail the invalid item becomes an error item and the valid ones are sent', async () => {
		const output = await executeBare({
			node: validationNode({}, { onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: itemsFor({ to: '12345' }),
		});
		const items = output?.[0] ?? [];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1].json.error).toMatch(/^Item 2: Destination: "12345" has no international prefix/);
		expect(bodies().map((b) => b.destination)).toEqual(['+393351234567', '+393351234568']);
	});
});

describe('placeholders', () => {
	it('sends the given values as an object and warns about markers without a value', async () => {
		const run = await runWorkflow({
			node: node({
				options: { placeholders: { placeholder: [{ name: 'name', value: '={{ $json.name }}' }] } },
			}),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hi {name}, your code is {code}', name: 'Ada' }],
		});
		expect(run.status).toBe('success');
		expect(bodies()[0].placeholders).toEqual({ name: 'Ada' });
		expect(run.output?.[0].json.warnings).toEqual([
			'The body uses {code} but no placeholder "code" is given: it is sent as written',
		]);
	});

	it('sends no placeholders field and no warning when the body has no markers', async () => {
		const run = await runWorkflow({
			node: node(),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'JSON-ish { not a marker } here' }],
		});
		expect(bodies()[0]).not.toHaveProperty('placeholders');
		expect(run.output?.[0].json).not.toHaveProperty('warnings');
	});
});

describe('description', () => {
	it('declares the throughput defaults the code uses', () => {
		const throughput = description.find((p) => p.name === 'throughput');
		const defaults = Object.fromEntries(
			((throughput?.options ?? []) as Array<{ name: string; default: unknown }>).map((o) => [o.name, o.default]),
		);
		expect(defaults).toEqual({
			maxConcurrency: DEFAULT_MAX_CONCURRENCY,
			maxRequestsPerSecond: DEFAULT_MAX_REQUESTS_PER_SECOND,
		});
		// Documented production limits (agile-api.md §9): 1,000 per minute and 50 per second.
		expect(DEFAULT_MAX_REQUESTS_PER_SECOND * 60).toBeLessThanOrEqual(1000);
		expect(DEFAULT_MAX_REQUESTS_PER_SECOND).toBeLessThanOrEqual(50);
		expect(throughput?.description).toContain('100 per minute');
		expect(throughput?.description).toContain('10 per second');
	});
});

describe('Auto-Map Input Fields', () => {
	it('reads destination, body, sender, message ID, campaign ID, scheduled date and placeholders from the item', async () => {
		const run = await runWorkflow({
			node: { parameters: { resource: 'sms', operation: 'send', dataMode: 'autoMapInputData', sender: 'MyShop' } },
			credentials: credentials(),
			items: [
				{
					destination: '+393351234567',
					body: 'Hi {name}',
					messageId: 'order-9',
					campaignId: 'spring',
					scheduledDate: '2036-05-20T08:30:00+02:00',
					placeholders: { name: 'Ada' },
				},
				{ destination: '+393351234568', body: 'Plain', sender: 'Other' },
			],
		});
		expect(run.status).toBe('success');
		expect(bodies()).toEqual([
			{
				destination: '+393351234567',
				sender: 'MyShop',
				body: 'Hi {name}',
				messageId: 'order-9',
				campaignId: 'spring',
				scheduledDate: '2036-05-20 08:30:00.000+0200',
				placeholders: { name: 'Ada' },
			},
			{ destination: '+393351234568', sender: 'Other', body: 'Plain', messageId: expect.stringMatching(UUID) },
		]);
	});

	it('names the item field in a validation error', async () => {
		const run = executeBare({
			node: { parameters: { resource: 'sms', operation: 'send', dataMode: 'autoMapInputData', sender: 'MyShop', inputFields: { destinationField: 'phone' } } },
			credentials: credentials(),
			items: [{ phone: '123', body: 'x' }],
		});
		await expect(run).rejects.toThrow('Item 1: Destination (field "phone"): "123" has no international prefix');
		expect(sends()).toHaveLength(0);
	});
});

describe('Merge Fields', () => {
	it('fills {field} locally (Placeholders first, then the item) and sends the finished text without placeholders', async () => {
		const run = await runWorkflow({
			node: node({
				options: { mergeFields: true, placeholders: { placeholder: [{ name: 'shop', value: 'Rossi' }] } },
			}),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: '{shop}: hi {name}, order {order.number} is ready', name: 'Ada', order: { number: 7 } }],
		});
		expect(run.status).toBe('success');
		expect(bodies()[0]).toEqual({
			destination: '+393351234567',
			sender: 'MyShop',
			body: 'Rossi: hi Ada, order 7 is ready',
			messageId: expect.stringMatching(UUID),
		});
		expect(run.output?.[0].json).not.toHaveProperty('warnings');
	});

	it('an item without the field fails before anything is sent', async () => {
		const run = executeBare({
			node: node({ options: { mergeFields: true } }),
			credentials: credentials(),
			items: [{ to: '+393351234567', text: 'Hi {name}' }],
		});
		await expect(run).rejects.toThrow('Item 1: Body: the item has no text field "name" for {name} (Merge Fields is on)');
		expect(sends()).toHaveLength(0);
	});
});
