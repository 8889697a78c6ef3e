import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { AgileTelecomTrigger } from '../../../nodes/AgileTelecomTrigger/AgileTelecomTrigger.node';
import { createTriggerWorkflow, type TriggerWorkflow, type TriggerWorkflowOptions } from './trigger-harness';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const FORM_HEADERS = { 'Content-Type': 'application/x-www-form-urlencoded' };
const ALL = ['delivered', 'failed', 'expired', 'otherStatus', 'read', 'inbound', 'unknown'];

const WHOLESALE_DLR = {
	id: 'msg_abc123',
	globalId: 'req_1234567890',
	destination: '+393351234567',
	status: 'DELIVERED',
	statusCode: 0,
	submitDate: '2026-05-14T10:23:11.000+0200',
	doneDate: '2026-05-14T10:23:14.221+0200',
	operator: 'TIM',
	parts: 1,
};
const WHOLESALE_REJECTED = { ...WHOLESALE_DLR, id: 'msg_rej', status: 'REJECTED', statusCode: 3 };
const UNIVERSAL_DLR = {
	channel: 'SMS',
	eventType: 'DELIVERY',
	messageId: 'uuid',
	statusCode: 6,
	statusDescription: 'Not Delivered',
	price: 0.035,
	numPart: 1,
	totalParts: 2,
	timestamp: '2024-01-15T10:30:00Z',
};
const QLARA_DELIVERY = {
	eventType: 'DELIVERY',
	messageId: 'e76614d1-0000',
	customerMessageId: 'order-12345',
	destination: '+393401234567',
	statusCode: 3,
	description: 'Message delivered',
	channel: 'SMS',
	timestamp: '2026-04-09T10:30:00Z',
};
const QLARA_READ = { eventType: 'READ', messageId: 'e1', destination: '+393401234567', channel: 'RCS', timestamp: '2026-04-09T10:31:00Z' };
const QLARA_INBOUND = {
	eventType: 'INBOUND',
	source: '+393409999999',
	destination: '+393400000000',
	text: 'STOP',
	channel: 'WHATSAPP',
	messageType: 'TEXT',
	timestamp: '2026-04-09T10:32:00Z',
};
const LEGACY_PG = {
	messageId: 'msg_1',
	customerMessageId: 'ref-1',
	phoneNumber: '+393901234567',
	status: 'EXPIRED',
	timestamp: '2026-04-09T10:33:00Z',
	channel: 'sms',
	error: null,
};
const INBOUND_FORM_BODY = 'originator=%2B393351234567&destination=%2B393330000000&date_time=20260514102301&text=Ciao+%C3%A0+tutti';

describe('Agile Telecom Trigger: description', () => {
	const { description } = new AgileTelecomTrigger();
	const property = (name: string, version: number) =>
		description.properties.filter((p) => p.name === name && displayedFor(p.displayOptions, version));
	/** Whether a property shows for a node version, as far as its `@version` condition goes. */
	const displayedFor = (options: INodeProperties['displayOptions'], version: number) => {
		const condition = options?.show?.['@version'];
		if (!condition) return true;
		return condition.some((c) => (typeof c === 'number' ? c === version : version >= (c as { _cnd: { gte: number } })._cnd.gte));
	};

	it('is a POST webhook trigger that is not usable as a tool, in versions 1 and 1.1', () => {
		expect(description.name).toBe('agileTelecomTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }]);
	});

	it('new nodes take the token from a credential; version 1 nodes keep their Secret Token field', () => {
		expect(property('authentication', 1.1).map((p) => p.default)).toEqual(['tokenCredential']);
		expect(property('secretToken', 1.1)).toHaveLength(0);
		expect(property('authentication', 1).map((p) => p.default)).toEqual(['secretTokenField']);
		expect(property('secretToken', 1)).toHaveLength(1);
		expect(description.credentials).toContainEqual({
			name: 'agileTelecomWebhookApi',
			required: true,
			testedBy: 'agileTelecomWebhookTokenTest',
			displayOptions: { show: { authentication: ['tokenCredential'] } },
		});
	});

	it('warns in the panel when no token is checked', () => {
		const notices = description.properties.filter((p) => p.type === 'notice' && /SMS pumping/.test(p.displayName));
		expect(notices.map((n) => n.displayOptions?.show)).toEqual([
			{ authentication: ['none'] },
			{ '@version': [1], authentication: ['secretTokenField'], secretToken: [''] },
		]);
	});
});

describe('Agile Telecom Trigger: webhook() in a real WebhookContext', () => {
	let trigger: TriggerWorkflow | undefined;
	const start = async (parameters: INodeParameters = {}, options: Partial<TriggerWorkflowOptions> = {}) => {
		trigger = createTriggerWorkflow({ parameters: { events: ALL, authentication: 'none', ...parameters }, ...options });
		await trigger.listen();
		return trigger;
	};
	afterEach(async () => {
		await trigger?.close();
		trigger = undefined;
	});

	it('answers a wholesale DLR with +OK and starts one run with the normalised item', async () => {
		const t = await start();
		const r = await t.post(JSON.stringify(WHOLESALE_DLR), JSON_HEADERS);
		expect(r.status).toBe(200);
		expect(r.body).toBe('+OK');
		expect(r.contentType).toBe('text/plain; charset=utf-8');
		expect(r.call?.result?.noWebhookResponse).toBe(true);
		expect(r.items).toEqual([
			{
				json: {
					event: 'delivery',
					platform: 'wholesale',
					messageId: 'msg_abc123',
					customerMessageId: null,
					globalId: 'req_1234567890',
					destination: '+393351234567',
					channel: null,
					status: 'delivered',
					statusCode: 0,
					statusDescription: 'DELIVERED',
					delivered: true,
					final: true,
					parts: 1,
					part: null,
					price: null,
					operator: 'TIM',
					error: null,
					submittedAt: '2026-05-14T08:23:11.000Z',
					doneAt: '2026-05-14T08:23:14.221Z',
					timestamp: '2026-05-14T08:23:14.221Z',
					raw: WHOLESALE_DLR,
				},
			},
		]);
	});

	it.each([
		['SMS Universal callback', UNIVERSAL_DLR, { event: 'delivery', platform: 'universal', status: 'undelivered', delivered: false, final: true, parts: 2, part: 1, price: 0.035 }],
		['Qlara DELIVERY', QLARA_DELIVERY, { event: 'delivery', platform: 'qlara', customerMessageId: 'order-12345', status: 'delivered', delivered: true }],
		['Qlara READ', QLARA_READ, { event: 'read', platform: 'qlara', messageId: 'e1', channel: 'RCS' }],
		['Qlara INBOUND', QLARA_INBOUND, { event: 'inbound', platform: 'qlara', from: '+393409999999', to: '+393400000000', text: 'STOP' }],
		['older partner-gateway payload', LEGACY_PG, { event: 'delivery', platform: 'partnerGatewayLegacy', status: 'expired', destination: '+393901234567', channel: 'SMS' }],
	])('accepts the %s', async (_label, payload, expected) => {
		const t = await start();
		const r = await t.post(JSON.stringify(payload), JSON_HEADERS);
		expect([r.status, r.body]).toEqual([200, '+OK']);
		expect(r.items).toHaveLength(1);
		expect(r.items?.[0].json).toMatchObject({ ...expected, raw: payload });
	});

	it('answers a form-encoded inbound SMS with exactly +OK as text/plain', async () => {
		const t = await start();
		const r = await t.post(INBOUND_FORM_BODY, FORM_HEADERS);
		expect(r.status).toBe(200);
		expect(r.body).toBe('+OK');
		expect(r.contentType).toBe('text/plain; charset=utf-8');
		expect(r.items).toEqual([
			{
				json: {
					event: 'inbound',
					platform: 'inboundForm',
					from: '+393351234567',
					to: '+393330000000',
					text: 'Ciao à tutti',
					channel: 'SMS',
					messageType: null,
					receivedAt: '2026-05-14T08:23:01.000Z',
					raw: { originator: '+393351234567', destination: '+393330000000', date_time: '20260514102301', text: 'Ciao à tutti' },
				},
			},
		]);
	});

	it('reads date_time in the Inbound Time Zone option', async () => {
		const t = await start({ options: { inboundTimeZone: 'UTC' } });
		const r = await t.post(INBOUND_FORM_BODY, FORM_HEADERS);
		expect(r.items?.[0].json.receivedAt).toBe('2026-05-14T10:23:01.000Z');
	});

	it('accepts JSON and form bodies sent with a content type n8n does not parse', async () => {
		const t = await start();
		const json = await t.post(JSON.stringify(QLARA_DELIVERY), { 'Content-Type': 'text/plain' });
		expect([json.status, json.items?.[0].json.messageId]).toEqual([200, 'e76614d1-0000']);
		const form = await t.post(INBOUND_FORM_BODY, { 'Content-Type': 'application/octet-stream' });
		expect([form.status, form.body, form.items?.[0].json.from]).toEqual([200, '+OK', '+393351234567']);
	});

	it('turns a JSON array into one item per event, in one run', async () => {
		const t = await start();
		const r = await t.post(JSON.stringify([WHOLESALE_DLR, WHOLESALE_REJECTED, QLARA_READ]), JSON_HEADERS);
		expect(r.status).toBe(200);
		expect(r.items?.map((i) => [i.json.messageId, i.json.status ?? i.json.event])).toEqual([
			['msg_abc123', 'delivered'],
			['msg_rej', 'rejected'],
			['e1', 'read'],
		]);
	});

	it('starts nothing for events the user did not choose, but still acknowledges them', async () => {
		const t = await start({ events: ['delivered'] });
		const ignored = await t.post(JSON.stringify(WHOLESALE_REJECTED), JSON_HEADERS);
		expect([ignored.status, ignored.body]).toEqual([200, '+OK']);
		expect(ignored.call?.result).toEqual({ noWebhookResponse: true });
		const inbound = await t.post(INBOUND_FORM_BODY, FORM_HEADERS);
		expect([inbound.status, inbound.body, inbound.items]).toEqual([200, '+OK', undefined]);
		const mixed = await t.post(JSON.stringify([WHOLESALE_REJECTED, WHOLESALE_DLR]), JSON_HEADERS);
		expect(mixed.items?.map((i) => i.json.messageId)).toEqual(['msg_abc123']);
	});

	it.each([
		['failed', [WHOLESALE_REJECTED, UNIVERSAL_DLR], ['msg_rej', 'uuid']],
		['expired', [LEGACY_PG, { id: 'w-exp', statusCode: 2 }], ['msg_1', 'w-exp']],
		['otherStatus', [{ id: 'w-buf', status: 'BUFFERED' }, { ...QLARA_DELIVERY, messageId: 'q-9', statusCode: 9 }], ['w-buf', 'q-9']],
		['read', [QLARA_READ], ['e1']],
	])('the %s choice selects exactly its events', async (choice, payloads, ids) => {
		const t = await start({ events: [choice] });
		const everything = [WHOLESALE_DLR, WHOLESALE_REJECTED, UNIVERSAL_DLR, LEGACY_PG, QLARA_READ, QLARA_INBOUND, ...payloads];
		const unique = everything.filter((p, i) => everything.indexOf(p) === i);
		const r = await t.post(JSON.stringify(unique), JSON_HEADERS);
		expect(r.items?.map((i) => i.json.messageId)).toEqual(ids);
	});

	describe('callbacks it does not recognise are acknowledged and passed on as unknown events', () => {
		it.each([
			['an object of no documented format', JSON.stringify({ hello: 'world' }), JSON_HEADERS, null, 'matches no documented'],
			['a new Qlara event type', JSON.stringify({ eventType: 'CLICK', messageId: 'm1' }), JSON_HEADERS, 'qlara', 'unknown eventType "CLICK"'],
			['a DLR without status', JSON.stringify({ id: 'x' }), JSON_HEADERS, 'wholesale', 'without "status" or "statusCode"'],
			['a form without originator', 'text=hello', FORM_HEADERS, null, 'matches no documented'],
			['a JSON number', '42', JSON_HEADERS, null, 'not a JSON object'],
			['a legacy text report', 'id:123 stat:DELIVRD err:000', { 'Content-Type': 'text/plain' }, null, 'not a JSON object'],
		])('%s: 200 +OK, one item with event "unknown" and the body', async (_label, body, headers, platform, reason) => {
			const t = await start();
			const r = await t.post(body, headers);
			expect([r.status, r.body, r.contentType]).toEqual([200, '+OK', 'text/plain; charset=utf-8']);
			expect(r.items).toHaveLength(1);
			expect(r.items?.[0].json).toMatchObject({ event: 'unknown', platform, reason: expect.stringContaining(reason) });
			const raw = r.items?.[0].json.raw;
			expect(typeof raw === 'string' ? raw : JSON.stringify(raw)).toBe(headers === FORM_HEADERS ? JSON.stringify({ text: 'hello' }) : body);
		});

		it('an array with one bad event keeps the good ones and passes the bad one on, in order', async () => {
			const t = await start();
			const r = await t.post(JSON.stringify([WHOLESALE_DLR, { eventType: 'DELIVERY' }, QLARA_READ]), JSON_HEADERS);
			expect(r.status).toBe(200);
			expect(r.items?.map((i) => [i.json.event, i.json.messageId ?? i.json.reason])).toEqual([
				['delivery', 'msg_abc123'],
				['unknown', 'DELIVERY event without "messageId"'],
				['read', 'e1'],
			]);
		});

		it('the Events choice can leave them out: still 200 +OK, nothing started', async () => {
			const t = await start({ events: ALL.filter((e) => e !== 'unknown') });
			const r = await t.post(JSON.stringify({ eventType: 'CLICK', messageId: 'm1' }), JSON_HEADERS);
			expect([r.status, r.body, r.call?.result]).toEqual([200, '+OK', { noWebhookResponse: true }]);
			const mixed = await t.post(JSON.stringify([{ eventType: 'CLICK' }, WHOLESALE_DLR]), JSON_HEADERS);
			expect(mixed.items?.map((i) => i.json.event)).toEqual(['delivery']);
		});

		it.each([
			['an empty body', '', JSON_HEADERS],
			['an empty array', '[]', JSON_HEADERS],
			['white space', '  ', { 'Content-Type': 'text/plain' }],
		])('%s carries nothing: 200 +OK, nothing started', async (_label, body, headers) => {
			const t = await start();
			const r = await t.post(body, headers);
			expect([r.status, r.body, r.call?.result]).toEqual([200, '+OK', { noWebhookResponse: true }]);
		});
	});

	describe('only bodies that cannot be decoded get 400, and start nothing', () => {
		it.each([
			['broken JSON sent as text', '{"id":', { 'Content-Type': 'text/plain' }, 'not valid JSON'],
			['a broken JSON array without content type', '[{"id":"a"},', { 'Content-Type': 'application/octet-stream' }, 'not valid JSON'],
		])('%s', async (_label, body, headers, problem) => {
			const t = await start();
			const r = await t.post(body, headers);
			expect(r.status).toBe(400);
			expect(r.contentType).toBe('application/json; charset=utf-8');
			expect(JSON.parse(r.body).error).toContain(problem);
			expect(r.call?.result).toEqual({ noWebhookResponse: true });
		});

		it('bytes that are not UTF-8 text', async () => {
			const t = await start();
			const r = await t.post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), { 'Content-Type': 'application/octet-stream' });
			expect([r.status, JSON.parse(r.body).error]).toEqual([400, 'Not an Agile Telecom callback: the body is not UTF-8 text']);
		});
	});

	it('a mistyped Inbound Time Zone never refuses an inbound SMS: 200 +OK, receivedAt null, date_time kept', async () => {
		const t = await start({ options: { inboundTimeZone: 'Europe/Rom' } });
		const r = await t.post(INBOUND_FORM_BODY, FORM_HEADERS);
		expect([r.status, r.body, r.call?.error]).toEqual([200, '+OK', undefined]);
		expect(r.items?.[0].json).toMatchObject({ event: 'inbound', from: '+393351234567', receivedAt: null, raw: { date_time: '20260514102301' } });
	});

	it('reports the part of a per-part delivery report (SMS Universal) and the part count', async () => {
		const t = await start();
		const parts = [1, 2, 3].map((numPart) => ({ ...UNIVERSAL_DLR, statusCode: 3, numPart, totalParts: 3 }));
		for (const part of parts) {
			const r = await t.post(JSON.stringify(part), JSON_HEADERS);
			expect(r.items?.map((i) => [i.json.messageId, i.json.part, i.json.parts, i.json.status])).toEqual([['uuid', part.numPart, 3, 'delivered']]);
		}
	});

	describe('token', () => {
		const TOKEN = 'example-token-7f3a9c1e';
		const REFUSED: Array<[string, Record<string, string>, string]> = [
			['no token', {}, ''],
			['a wrong token of the same length', {}, '?token=example-token-7f3a9c1f'],
			['a shorter token', {}, '?token=tok'],
			['a wrong header', { 'X-Webhook-Token': 'nope' }, ''],
			['the token in another query parameter', {}, `?secret=${TOKEN}`],
		];
		const setups: Array<[string, INodeParameters, Partial<TriggerWorkflowOptions>]> = [
			['version 1.1, token from the credential', { authentication: 'tokenCredential' }, { webhookCredentials: { token: TOKEN } }],
			['version 1.1, credential token with stray spaces', { authentication: 'tokenCredential' }, { webhookCredentials: { token: ` ${TOKEN}\n` } }],
			['version 1, Secret Token field (workflow saved before 1.1)', { authentication: undefined, secretToken: TOKEN }, { typeVersion: 1 }],
			['version 1, token moved to a credential', { authentication: 'tokenCredential' }, { typeVersion: 1, webhookCredentials: { token: TOKEN } }],
		];

		describe.each(setups)('%s', (_label, parameters, options) => {
			const startWithToken = async () => {
				const { authentication, ...rest } = parameters;
				trigger = createTriggerWorkflow({
					parameters: { events: ALL, ...rest, ...(authentication === undefined ? {} : { authentication }) },
					...options,
				});
				await trigger.listen();
				return trigger;
			};

			it.each(REFUSED)('refuses %s with 401 and starts nothing', async (_what, extraHeaders, query) => {
				const t = await startWithToken();
				const r = await t.post(JSON.stringify(WHOLESALE_DLR), { ...JSON_HEADERS, ...extraHeaders }, query);
				expect(r.status).toBe(401);
				expect(JSON.parse(r.body)).toEqual({ error: 'Missing or wrong token' });
				expect(r.call?.result).toEqual({ noWebhookResponse: true });
			});

			it('checks the token before the body: an undecodable body without token is 401, not 400', async () => {
				const t = await startWithToken();
				expect((await t.post('{"id":', { 'Content-Type': 'text/plain' })).status).toBe(401);
			});

			it('accepts the token as ?token= or as the X-Webhook-Token header, and never outputs it', async () => {
				const t = await startWithToken();
				const byQuery = await t.post(INBOUND_FORM_BODY, FORM_HEADERS, `?token=${TOKEN}`);
				expect([byQuery.status, byQuery.body]).toEqual([200, '+OK']);
				const byHeader = await t.post(JSON.stringify(WHOLESALE_DLR), { ...JSON_HEADERS, 'X-Webhook-Token': TOKEN });
				expect([byHeader.status, byHeader.items?.length]).toEqual([200, 1]);
				expect(JSON.stringify([byQuery.items, byHeader.items])).not.toContain(TOKEN);
			});
		});

		it('version 1 with an empty Secret Token field checks nothing, as before', async () => {
			trigger = createTriggerWorkflow({ parameters: { events: ALL }, typeVersion: 1 });
			await trigger.listen();
			expect((await trigger.post(JSON.stringify(WHOLESALE_DLR), JSON_HEADERS)).status).toBe(200);
		});

		it('fails closed when the credential token cannot be read: nothing starts', async () => {
			const t = await start({ authentication: 'tokenCredential' }, { webhookCredentials: { token: '' } });
			const r = await t.post(JSON.stringify(WHOLESALE_DLR), JSON_HEADERS, '?token=');
			expect(r.status).toBe(500);
			expect(r.items).toBeUndefined();
			expect(r.call?.error?.message).toBe('The Agile Telecom Webhook credential has an empty Token');
		});
	});
});
