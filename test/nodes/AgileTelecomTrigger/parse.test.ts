import { DELIVERY_STATUS_TABLE } from '../../../nodes/AgileTelecom/helpers/deliveryStatus';
import { UndecodableBodyError, decodeBody } from '../../../nodes/AgileTelecomTrigger/helpers/body';
import { eventCategory, parseEvent, parseEvents, wholesaleStatus } from '../../../nodes/AgileTelecomTrigger/helpers/parse';
import { inboundDateToIso, isValidTimeZone, toIsoTimestamp } from '../../../nodes/AgileTelecomTrigger/helpers/times';
import {
	callbackUrlWithToken,
	receivedToken,
	tokenMatches,
	withoutQuery,
} from '../../../nodes/AgileTelecomTrigger/helpers/token';

const ROME = { inboundTimeZone: 'Europe/Rome' };

// The examples printed in agile-api.md, verbatim.
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
const UNIVERSAL_DLR = {
	channel: 'SMS',
	eventType: 'DELIVERY',
	messageId: 'uuid',
	statusCode: 3,
	statusDescription: 'Delivered',
	price: 0.035,
	numPart: 1,
	totalParts: 1,
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
const QLARA_READ = {
	eventType: 'READ',
	messageId: 'e76614d1-0001',
	destination: '+393401234567',
	channel: 'WHATSAPP',
	timestamp: '2026-04-09T10:31:00Z',
};
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
	messageId: 'msg_1234567890',
	customerMessageId: 'your_reference_id',
	phoneNumber: '+393901234567',
	status: 'ERROR',
	timestamp: '2026-04-09T10:33:00Z',
	channel: 'sms',
	error: 'Invalid number',
};
const INBOUND_FORM = {
	originator: '+393351234567',
	destination: '+393330000000',
	date_time: '20260514102301',
	text: 'Hello',
};

describe('parseEvent: every documented payload', () => {
	it('reads the wholesale DLR (§6.1)', () => {
		expect(parseEvent(WHOLESALE_DLR, ROME)).toEqual({
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
		});
	});

	it('reads the SMS Universal callback (§4.3)', () => {
		expect(parseEvent(UNIVERSAL_DLR, ROME)).toEqual({
			event: 'delivery',
			platform: 'universal',
			messageId: 'uuid',
			customerMessageId: null,
			globalId: null,
			destination: null,
			channel: 'SMS',
			status: 'delivered',
			statusCode: 3,
			statusDescription: 'Delivered',
			delivered: true,
			final: true,
			parts: 1,
			part: 1,
			price: 0.035,
			operator: null,
			error: null,
			submittedAt: null,
			doneAt: '2024-01-15T10:30:00.000Z',
			timestamp: '2024-01-15T10:30:00.000Z',
			raw: UNIVERSAL_DLR,
		});
	});

	it('reads the Qlara DELIVERY event (§6.3)', () => {
		expect(parseEvent(QLARA_DELIVERY, ROME)).toEqual({
			event: 'delivery',
			platform: 'qlara',
			messageId: 'e76614d1-0000',
			customerMessageId: 'order-12345',
			globalId: null,
			destination: '+393401234567',
			channel: 'SMS',
			status: 'delivered',
			statusCode: 3,
			statusDescription: 'Message delivered',
			delivered: true,
			final: true,
			parts: null,
			part: null,
			price: null,
			operator: null,
			error: null,
			submittedAt: null,
			doneAt: '2026-04-09T10:30:00.000Z',
			timestamp: '2026-04-09T10:30:00.000Z',
			raw: QLARA_DELIVERY,
		});
	});

	it('reads the Qlara READ event (§6.3)', () => {
		expect(parseEvent(QLARA_READ, ROME)).toEqual({
			event: 'read',
			platform: 'qlara',
			messageId: 'e76614d1-0001',
			destination: '+393401234567',
			channel: 'WHATSAPP',
			timestamp: '2026-04-09T10:31:00.000Z',
			raw: QLARA_READ,
		});
	});

	it('reads the Qlara INBOUND event (§6.3)', () => {
		expect(parseEvent(QLARA_INBOUND, ROME)).toEqual({
			event: 'inbound',
			platform: 'qlara',
			from: '+393409999999',
			to: '+393400000000',
			text: 'STOP',
			channel: 'WHATSAPP',
			messageType: 'TEXT',
			receivedAt: '2026-04-09T10:32:00.000Z',
			raw: QLARA_INBOUND,
		});
	});

	it('reads the older partner-gateway payload (§6.4)', () => {
		expect(parseEvent(LEGACY_PG, ROME)).toEqual({
			event: 'delivery',
			platform: 'partnerGatewayLegacy',
			messageId: 'msg_1234567890',
			customerMessageId: 'your_reference_id',
			globalId: null,
			destination: '+393901234567',
			channel: 'SMS',
			status: 'failed',
			statusCode: null,
			statusDescription: 'ERROR',
			delivered: false,
			final: true,
			parts: null,
			part: null,
			price: null,
			operator: null,
			error: 'Invalid number',
			submittedAt: null,
			doneAt: '2026-04-09T10:33:00.000Z',
			timestamp: '2026-04-09T10:33:00.000Z',
			raw: LEGACY_PG,
		});
	});

	it('reads the form-encoded inbound SMS (§14), date_time in Italian summer time', () => {
		expect(parseEvent(INBOUND_FORM, ROME)).toEqual({
			event: 'inbound',
			platform: 'inboundForm',
			from: '+393351234567',
			to: '+393330000000',
			text: 'Hello',
			channel: 'SMS',
			messageType: null,
			receivedAt: '2026-05-14T08:23:01.000Z',
			raw: INBOUND_FORM,
		});
	});
});

describe('status tables', () => {
	// §6.1 wholesale table: [status, statusCode, normalised, final, category]
	it.each([
		['DELIVERED', 0, 'delivered', true, 'delivered'],
		['BUFFERED', 1, 'buffered', false, 'otherStatus'],
		['EXPIRED', 2, 'expired', true, 'expired'],
		['REJECTED', 3, 'rejected', true, 'failed'],
		['UNDELIVERABLE', 4, 'undeliverable', true, 'failed'],
		['UNKNOWN', 5, 'unknown', true, 'otherStatus'],
		['FAILED', 6, 'failed', true, 'failed'],
	])('wholesale %s / %i → %s', (status, statusCode, normalised, final, category) => {
		for (const payload of [
			{ id: 'a', status, statusCode },
			{ id: 'a', status },
			{ id: 'a', statusCode },
			{ id: 'a', statusCode: String(statusCode) },
			{ id: 'a', status: status.toLowerCase() },
		]) {
			const event = parseEvent(payload, ROME);
			expect(event).toMatchObject({ status: normalised, final, delivered: normalised === 'delivered' });
			expect(eventCategory(event)).toBe(category);
		}
	});

	it('wholesale: the status name wins over a contradicting code, an undocumented code stays open', () => {
		expect(wholesaleStatus('EXPIRED', 0)).toEqual({ status: 'expired', final: true, delivered: false, outcome: 'expired' });
		expect(wholesaleStatus('SOMETHING', 0)).toEqual({ status: 'delivered', final: true, delivered: true, outcome: 'delivered' });
		for (const [name, code] of [[undefined, 42], ['SOMETHING', undefined], [undefined, 1.5]]) {
			expect(wholesaleStatus(name, code)).toEqual({ status: 'undocumented', final: false, delivered: false, outcome: 'other' });
		}
	});

	it('every status an event can carry means what the shared table says (the one Get Status uses)', () => {
		const payloads = [
			...[0, 1, 2, 3, 4, 5, 6, 42].map((statusCode) => ({ id: 'w', statusCode })),
			...[3, 6, 9].map((statusCode) => ({ ...UNIVERSAL_DLR, statusCode })),
			...['SENT', 'RECEIVED', 'ERROR', 'NEW'].map((status) => ({ ...LEGACY_PG, status })),
		];
		for (const payload of payloads) {
			const event = parseEvent(payload, ROME);
			if (event.event !== 'delivery') throw new Error(`not a delivery: ${JSON.stringify(payload)}`);
			const row = DELIVERY_STATUS_TABLE[event.status];
			expect({ final: event.final, delivered: event.delivered }).toEqual({ final: row.final, delivered: row.delivered });
		}
	});

	// §4.3 / §6.3 scale: only 3 and 6 are documented.
	it.each([
		[3, 'delivered', true, 'delivered'],
		[6, 'undelivered', true, 'failed'],
		[0, 'undocumented', false, 'otherStatus'],
		[4, 'undocumented', false, 'otherStatus'],
	])('Qlara/Universal statusCode %i → %s', (statusCode, status, final, category) => {
		for (const payload of [
			{ ...UNIVERSAL_DLR, statusCode },
			{ ...QLARA_DELIVERY, statusCode },
		]) {
			const event = parseEvent(payload, ROME);
			expect(event).toMatchObject({ status, final, statusCode });
			expect(eventCategory(event)).toBe(category);
		}
	});

	// §6.4 status set.
	it.each([
		['SENT', 'sent', false, 'otherStatus'],
		['DELIVERED', 'delivered', true, 'delivered'],
		['ERROR', 'failed', true, 'failed'],
		['EXPIRED', 'expired', true, 'expired'],
	])('partner gateway %s → %s', (status, normalised, final, category) => {
		const event = parseEvent({ ...LEGACY_PG, status }, ROME);
		expect(event).toMatchObject({ status: normalised, final });
		expect(eventCategory(event)).toBe(category);
	});

	it('reads and inbound events have their own categories', () => {
		expect(eventCategory(parseEvent(QLARA_READ, ROME))).toBe('read');
		expect(eventCategory(parseEvent(QLARA_INBOUND, ROME))).toBe('inbound');
		expect(eventCategory(parseEvent(INBOUND_FORM, ROME))).toBe('inbound');
	});

	it('eventType and channel are matched case-insensitively', () => {
		expect(parseEvent({ ...QLARA_READ, eventType: 'read', channel: 'rcs' }, ROME)).toMatchObject({ event: 'read', channel: 'RCS' });
	});
});

describe('times', () => {
	it.each([
		['2026-05-14T10:23:14.221+0200', '2026-05-14T08:23:14.221Z'],
		['2026-05-14T10:23:14+02:00', '2026-05-14T08:23:14.000Z'],
		['2026-01-15T10:30:00Z', '2026-01-15T10:30:00.000Z'],
		['2026-01-15T10:30:00-0500', '2026-01-15T15:30:00.000Z'],
		// No zone: kept as received rather than guessed.
		['2026-01-15 10:30:00', '2026-01-15 10:30:00'],
		['yesterday', 'yesterday'],
	])('toIsoTimestamp(%s) = %s', (input, expected) => {
		expect(toIsoTimestamp(input)).toBe(expected);
	});

	it.each([
		['20260514102301', 'Europe/Rome', '2026-05-14T08:23:01.000Z'],
		['20260115102301', 'Europe/Rome', '2026-01-15T09:23:01.000Z'],
		['20260115102301', 'UTC', '2026-01-15T10:23:01.000Z'],
		['20260115102301', 'America/New_York', '2026-01-15T15:23:01.000Z'],
		// The hour after the autumn change exists twice; the first pass lands on summer time.
		['20261025013000', 'Europe/Rome', '2026-10-24T23:30:00.000Z'],
		['20260230102301', 'Europe/Rome', null],
		['20260514252301', 'Europe/Rome', null],
		['2026051410230', 'Europe/Rome', null],
		['', 'Europe/Rome', null],
	])('inboundDateToIso(%s, %s) = %s', (input, zone, expected) => {
		expect(inboundDateToIso(input, zone)).toBe(expected);
	});

	it.each(['Europe/Rom', 'CET+1', '', 'Mars/Olympus'])('an unknown time zone (%j) gives null, never an exception', (zone) => {
		expect(isValidTimeZone(zone)).toBe(false);
		expect(inboundDateToIso('20260514102301', zone)).toBeNull();
		expect(parseEvent(INBOUND_FORM, { inboundTimeZone: zone })).toMatchObject({ event: 'inbound', from: '+393351234567', receivedAt: null });
	});

	it.each(['Europe/Rome', 'UTC', 'America/New_York', 'Asia/Kolkata'])('%s is a time zone', (zone) => {
		expect(isValidTimeZone(zone)).toBe(true);
	});

	it('an inbound SMS with an unreadable date_time is still accepted, with receivedAt null', () => {
		expect(parseEvent({ ...INBOUND_FORM, date_time: 'soon' }, ROME)).toMatchObject({ event: 'inbound', receivedAt: null });
		const { date_time: _dropped, ...withoutDate } = INBOUND_FORM;
		void _dropped;
		expect(parseEvent(withoutDate, ROME)).toMatchObject({ receivedAt: null, text: 'Hello' });
	});
});

describe('callbacks the node does not recognise become unknown events, never errors', () => {
	it.each([
		['an object of no documented format', { hello: 'world' }, null, null, 'matches no documented'],
		['an empty object', {}, null, null, 'matches no documented'],
		['a new Qlara event type', { eventType: 'click', messageId: 'm', url: 'https://x' }, 'qlara', 'CLICK', 'unknown eventType "click"'],
		['a DELIVERY without messageId', { eventType: 'DELIVERY', statusCode: 3 }, 'qlara', 'DELIVERY', 'DELIVERY event without "messageId"'],
		['a READ without messageId', { eventType: 'READ' }, 'qlara', 'READ', 'READ event without "messageId"'],
		['an INBOUND without source', { eventType: 'INBOUND', text: 'x' }, 'qlara', 'INBOUND', 'INBOUND event without "source"'],
		['a wholesale report without status', { id: 'x', destination: '+39' }, 'wholesale', null, 'without "status" or "statusCode"'],
		['a wholesale report with an empty id', { id: '', status: 'DELIVERED' }, 'wholesale', null, 'wholesale delivery report without "id"'],
		['an inbound SMS without originator', { originator: '', text: 'x' }, 'inboundForm', null, 'inbound SMS without "originator"'],
		['a partner-gateway event with an empty status', { messageId: 'm', status: ' ' }, 'partnerGatewayLegacy', null, 'without "status"'],
		['a string', 'id=1;stat=DELIVRD', null, null, 'not a JSON object'],
		['a number', 42, null, null, 'not a JSON object'],
		['null', null, null, null, 'not a JSON object'],
	])('%s', (_label, body, platform, eventType, reason) => {
		const events = parseEvents(body, ROME);
		expect(events).toEqual([{ event: 'unknown', platform, eventType, reason: expect.stringContaining(reason), raw: body }]);
		expect(eventCategory(events[0])).toBe('unknown');
	});

	it('an array keeps every event: the recognised ones as such, the others as unknown, in order', () => {
		const events = parseEvents([WHOLESALE_DLR, { id: 'x' }, 7, QLARA_READ], ROME);
		expect(events.map((e) => [e.event, e.platform])).toEqual([
			['delivery', 'wholesale'],
			['unknown', 'wholesale'],
			['unknown', null],
			['read', 'qlara'],
		]);
		expect(events[2]).toMatchObject({ raw: 7 });
	});

	it('an empty array holds no event', () => {
		expect(parseEvents([], ROME)).toEqual([]);
	});
});

describe('decodeBody', () => {
	const bytes = (text: string) => Buffer.from(text, 'utf8');

	it('keeps a body n8n already parsed', () => {
		expect(decodeBody({ a: 1 }, bytes('{"a":1}'))).toEqual({ kind: 'value', value: { a: 1 } });
		expect(decodeBody([{ a: 1 }], bytes('[{"a":1}]'))).toEqual({ kind: 'value', value: [{ a: 1 }] });
	});

	it('decodes JSON, form or text that arrived with a content type n8n does not parse', () => {
		expect(decodeBody('{"id":"x"}', undefined)).toEqual({ kind: 'value', value: { id: 'x' } });
		expect(decodeBody({}, bytes(' [1,2] '))).toEqual({ kind: 'value', value: [1, 2] });
		expect(decodeBody(undefined, bytes('originator=%2B39333&text=a+b&text=second'))).toEqual({
			kind: 'value',
			value: { originator: '+39333', text: 'a b' },
		});
		expect(decodeBody(undefined, bytes('id:1 stat:DELIVRD err:000'))).toEqual({ kind: 'value', value: 'id:1 stat:DELIVRD err:000' });
		expect(decodeBody('price = 5 EUR', undefined)).toEqual({ kind: 'value', value: 'price = 5 EUR' });
	});

	it.each([
		['no body at all', undefined, undefined],
		['an empty object and no bytes', {}, Buffer.alloc(0)],
		['white space', '  \n ', undefined],
		['white space bytes', undefined, bytes(' \r\n')],
	])('%s is empty', (_label, body, raw) => {
		expect(decodeBody(body, raw)).toEqual({ kind: 'empty' });
	});

	it.each([
		['truncated JSON', '{"id":', undefined, 'not valid JSON'],
		['a broken array', undefined, bytes('[{"id":"a"},'), 'not valid JSON'],
		['bytes that are not UTF-8', undefined, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'not UTF-8 text'],
	])('refuses %s', (_label, body, raw, problem) => {
		expect(() => decodeBody(body, raw)).toThrow(UndecodableBodyError);
		expect(() => decodeBody(body, raw)).toThrow(problem);
	});
});

describe('secret token', () => {
	it.each([
		['s3cret-token', 's3cret-token', true],
		['s3cret-token', 's3cret-tokeN', false],
		['s3cret-token', 's3cret-token ', false],
		['s3cret-token', 's3cret', false],
		['s3cret-token', '', false],
		['s3cret-token', undefined, false],
		['s3cret-token', ['s3cret-token'], false],
	])('tokenMatches(%s, %j) = %s', (expected, received, result) => {
		expect(tokenMatches(expected, received)).toBe(result);
	});

	it('reads the token from ?token=, else from X-Webhook-Token', () => {
		expect(receivedToken({ token: 'q' }, { 'x-webhook-token': 'h' })).toBe('q');
		expect(receivedToken({}, { 'x-webhook-token': 'h' })).toBe('h');
		expect(receivedToken({ token: ['first', 'second'] }, {})).toBe('first');
		expect(receivedToken({ token: '' }, {})).toBeUndefined();
		expect(receivedToken(undefined, {})).toBeUndefined();
	});

	it('puts the token into the registered URL and never shows a query in errors', () => {
		expect(callbackUrlWithToken('https://n8n.example.com/webhook/abc/webhook', 'a b&c')).toBe(
			'https://n8n.example.com/webhook/abc/webhook?token=a+b%26c',
		);
		expect(callbackUrlWithToken('https://n8n.example.com/webhook/abc/webhook', '')).toBe(
			'https://n8n.example.com/webhook/abc/webhook',
		);
		expect(withoutQuery('https://other.example.com/hook?key=SECRET')).toBe('https://other.example.com/hook?…');
		expect(withoutQuery('not a url')).toBe('(not a valid URL)');
	});
});
