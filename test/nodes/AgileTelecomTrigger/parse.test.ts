import {
	CallbackFormatError,
	decodeBody,
	eventCategory,
	inboundDateToIso,
	parseEvent,
	parseEvents,
	toIsoTimestamp,
	wholesaleStatus,
} from '../../../nodes/AgileTelecomTrigger/helpers/parse';
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
		expect(wholesaleStatus('EXPIRED', 0)).toEqual({ status: 'expired', final: true, category: 'expired' });
		expect(wholesaleStatus(undefined, 42)).toEqual({ status: 'unknown', final: false, category: 'otherStatus' });
		expect(wholesaleStatus('SOMETHING', undefined)).toEqual({ status: 'unknown', final: false, category: 'otherStatus' });
	});

	// §4.3 / §6.3 scale: only 3 and 6 are documented.
	it.each([
		[3, 'delivered', true, 'delivered'],
		[6, 'undelivered', true, 'failed'],
		[0, 'unknown', false, 'otherStatus'],
		[4, 'unknown', false, 'otherStatus'],
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

	it('an inbound SMS with an unreadable date_time is still accepted, with receivedAt null', () => {
		expect(parseEvent({ ...INBOUND_FORM, date_time: 'soon' }, ROME)).toMatchObject({ event: 'inbound', receivedAt: null });
		const { date_time: _dropped, ...withoutDate } = INBOUND_FORM;
		void _dropped;
		expect(parseEvent(withoutDate, ROME)).toMatchObject({ receivedAt: null, text: 'Hello' });
	});
});

describe('malformed bodies', () => {
	it.each([
		['an empty object', {}, 'matches no documented'],
		['a string', 'hello', 'must be a JSON object'],
		['null', null, 'must be a JSON object'],
		['a wholesale report without status', { id: 'x', destination: '+39' }, 'without "status" or "statusCode"'],
		['a wholesale report with an empty id', { id: '', status: 'DELIVERED' }, 'without "id"'],
		['an unknown eventType', { eventType: 'CLICK', messageId: 'm' }, 'unknown eventType "CLICK"'],
		['a DELIVERY without messageId', { eventType: 'DELIVERY', statusCode: 3 }, 'without "messageId"'],
		['an INBOUND without source', { eventType: 'INBOUND', text: 'x' }, 'without "source"'],
		['an inbound SMS without originator', { originator: '', text: 'x' }, 'without "originator"'],
		['an empty array', [], 'empty array'],
	])('%s is refused', (_label, body, message) => {
		expect(() => parseEvents(body, ROME)).toThrow(CallbackFormatError);
		expect(() => parseEvents(body, ROME)).toThrow(message);
	});

	it('one bad event in an array refuses the whole array and names its index', () => {
		expect(() => parseEvents([WHOLESALE_DLR, { id: 'x' }], ROME)).toThrow('event 1: wholesale delivery report without');
	});

	it('an array of valid events gives one event per entry, in order', () => {
		const events = parseEvents([WHOLESALE_DLR, QLARA_DELIVERY, QLARA_READ], ROME);
		expect(events.map((e) => [e.event, e.platform])).toEqual([
			['delivery', 'wholesale'],
			['delivery', 'qlara'],
			['read', 'qlara'],
		]);
	});
});

describe('decodeBody', () => {
	it('keeps a body n8n already parsed', () => {
		expect(decodeBody({ a: 1 }, '{"a":1}')).toEqual({ a: 1 });
		expect(decodeBody([{ a: 1 }], '[{"a":1}]')).toEqual([{ a: 1 }]);
	});

	it('parses JSON or form text that arrived with another content type', () => {
		expect(decodeBody('{"id":"x"}', undefined)).toEqual({ id: 'x' });
		expect(decodeBody({}, ' [1,2] ')).toEqual([1, 2]);
		expect(decodeBody(undefined, 'originator=%2B39333&text=a+b&text=second')).toEqual({ originator: '+39333', text: 'a b' });
	});

	it.each([
		['an empty body', {}, ''],
		['no body at all', undefined, undefined],
		['broken JSON', '{"id":', undefined],
		['plain words', 'hello world', undefined],
	])('refuses %s', (_label, body, raw) => {
		expect(() => decodeBody(body, raw)).toThrow(CallbackFormatError);
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
