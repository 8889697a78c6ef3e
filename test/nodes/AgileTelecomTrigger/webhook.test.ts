import type { INodeParameters } from 'n8n-workflow';

import { AgileTelecomTrigger } from '../../../nodes/AgileTelecomTrigger/AgileTelecomTrigger.node';
import { createTriggerWorkflow, type TriggerWorkflow } from './trigger-harness';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const FORM_HEADERS = { 'Content-Type': 'application/x-www-form-urlencoded' };
const ALL = ['delivered', 'failed', 'expired', 'otherStatus', 'read', 'inbound'];

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
	it('is a POST webhook trigger that is not usable as a tool', () => {
		const { description } = new AgileTelecomTrigger();
		expect(description.name).toBe('agileTelecomTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }]);
	});
});

describe('Agile Telecom Trigger: webhook() in a real WebhookContext', () => {
	let trigger: TriggerWorkflow | undefined;
	const start = async (parameters: INodeParameters = {}) => {
		trigger = createTriggerWorkflow({ parameters: { events: ALL, ...parameters } });
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

	describe('malformed bodies get 400 and start nothing', () => {
		it.each([
			['an object of no documented format', JSON.stringify({ hello: 'world' }), JSON_HEADERS, 'matches no documented'],
			['a DLR without status', JSON.stringify({ id: 'x' }), JSON_HEADERS, 'without "status" or "statusCode"'],
			['an array with one bad event', JSON.stringify([WHOLESALE_DLR, { eventType: 'DELIVERY' }]), JSON_HEADERS, 'event 1: DELIVERY event without "messageId"'],
			['an empty array', '[]', JSON_HEADERS, 'empty array'],
			['an empty body', '', JSON_HEADERS, 'the body is empty'],
			['plain text', 'hello', { 'Content-Type': 'text/plain' }, 'neither JSON nor form-encoded'],
			['broken JSON sent as text', '{"id":', { 'Content-Type': 'text/plain' }, 'not valid JSON'],
			['a form without originator', 'text=hello', FORM_HEADERS, 'matches no documented'],
			['a JSON number', '42', JSON_HEADERS, 'must be a JSON object'],
		])('%s', async (_label, body, headers, problem) => {
			const t = await start();
			const r = await t.post(body, headers);
			expect(r.status).toBe(400);
			expect(r.contentType).toBe('application/json; charset=utf-8');
			expect(JSON.parse(r.body).error).toContain(problem);
			expect(r.call?.result).toEqual({ noWebhookResponse: true });
		});
	});

	describe('secret token', () => {
		const TOKEN = 'tok-7f3a9c1e';

		it.each([
			['no token', {}, ''],
			['a wrong token of the same length', {}, '?token=tok-7f3a9c1f'],
			['a shorter token', {}, '?token=tok'],
			['a wrong header', { 'X-Webhook-Token': 'nope' }, ''],
			['the token in another query parameter', {}, `?secret=${TOKEN}`],
		])('refuses %s with 401 and starts nothing', async (_label, extraHeaders, query) => {
			const t = await start({ secretToken: TOKEN });
			const r = await t.post(JSON.stringify(WHOLESALE_DLR), { ...JSON_HEADERS, ...extraHeaders }, query);
			expect(r.status).toBe(401);
			expect(JSON.parse(r.body)).toEqual({ error: 'Missing or wrong token' });
			expect(r.call?.result).toEqual({ noWebhookResponse: true });
		});

		it('checks the token before the body: a bad body without token is 401, not 400', async () => {
			const t = await start({ secretToken: TOKEN });
			expect((await t.post('garbage', { 'Content-Type': 'text/plain' })).status).toBe(401);
		});

		it('accepts the token as ?token= or as the X-Webhook-Token header, and never outputs it', async () => {
			const t = await start({ secretToken: TOKEN });
			const byQuery = await t.post(INBOUND_FORM_BODY, FORM_HEADERS, `?token=${TOKEN}`);
			expect([byQuery.status, byQuery.body]).toEqual([200, '+OK']);
			const byHeader = await t.post(JSON.stringify(WHOLESALE_DLR), { ...JSON_HEADERS, 'X-Webhook-Token': TOKEN });
			expect([byHeader.status, byHeader.items?.length]).toEqual([200, 1]);
			expect(JSON.stringify([byQuery.items, byHeader.items])).not.toContain(TOKEN);
		});
	});
});
