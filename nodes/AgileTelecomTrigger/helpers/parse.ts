import type { IDataObject } from 'n8n-workflow';

import { zoneOffsetMinutes } from '../../AgileTelecom/helpers/dates';

/**
 * Pure parsing of every callback Agile Telecom documents (agile-api.md §4.3, §6, §14) into one shape.
 * Nothing here knows about n8n's request objects: the node hands over the decoded body.
 */

/** Which documented format a callback came in. */
export type CallbackFormat =
	| 'wholesale' // §6.1 wholesale DLR
	| 'universal' // §4.3 SMS Universal delivery callback
	| 'qlara' // §6.3 Qlara partner-gateway webhook (DELIVERY, READ, INBOUND)
	| 'partnerGatewayLegacy' // §6.4 older generic partner-gateway payload
	| 'inboundForm'; // §14 inbound SMS, form-encoded

/** The choices of the node's Events parameter. */
export type TriggerEvent = 'delivered' | 'failed' | 'expired' | 'otherStatus' | 'read' | 'inbound';

export const ALL_EVENTS: TriggerEvent[] = ['delivered', 'failed', 'expired', 'otherStatus', 'read', 'inbound'];

export type DeliveryStatus =
	| 'delivered'
	| 'buffered'
	| 'sent'
	| 'received'
	| 'expired'
	| 'rejected'
	| 'undeliverable'
	| 'undelivered'
	| 'failed'
	| 'unknown';

export interface StatusInfo {
	status: DeliveryStatus;
	/** True once no further report for this message is expected. */
	final: boolean;
	category: Extract<TriggerEvent, 'delivered' | 'failed' | 'expired' | 'otherStatus'>;
}

/** The one status table: every documented status name or code maps here. */
const STATUS_INFO: Record<DeliveryStatus, StatusInfo> = {
	delivered: { status: 'delivered', final: true, category: 'delivered' },
	buffered: { status: 'buffered', final: false, category: 'otherStatus' },
	sent: { status: 'sent', final: false, category: 'otherStatus' },
	received: { status: 'received', final: false, category: 'otherStatus' },
	expired: { status: 'expired', final: true, category: 'expired' },
	rejected: { status: 'rejected', final: true, category: 'failed' },
	undeliverable: { status: 'undeliverable', final: true, category: 'failed' },
	undelivered: { status: 'undelivered', final: true, category: 'failed' },
	failed: { status: 'failed', final: true, category: 'failed' },
	// Wholesale: "no final state within the validity window" — nothing else will come (§6.1).
	unknown: { status: 'unknown', final: true, category: 'otherStatus' },
};

/** A code or name the documentation does not list: reported as is, never counted as final. */
const UNRECOGNISED: StatusInfo = { status: 'unknown', final: false, category: 'otherStatus' };

/** §6.1: the wholesale `statusCode` scale. */
const WHOLESALE_CODES: Record<number, DeliveryStatus> = {
	0: 'delivered',
	1: 'buffered',
	2: 'expired',
	3: 'rejected',
	4: 'undeliverable',
	5: 'unknown',
	6: 'failed',
};

/**
 * §4.3 and §6.3: Universal and Qlara webhooks share a different scale, of which only 3 (delivered) and
 * 6 (not delivered) are documented (§16 q.5). Other codes stay "unknown" and not final.
 */
const QLARA_CODES: Record<number, DeliveryStatus> = {
	3: 'delivered',
	6: 'undelivered',
};

/** Status names seen in §6.1 (wholesale) and §6.4 / §7 (partner gateway). */
const STATUS_NAMES: Record<string, DeliveryStatus> = {
	DELIVERED: 'delivered',
	BUFFERED: 'buffered',
	EXPIRED: 'expired',
	REJECTED: 'rejected',
	UNDELIVERABLE: 'undeliverable',
	UNKNOWN: 'unknown',
	FAILED: 'failed',
	SENT: 'sent',
	RECEIVED: 'received',
	ERROR: 'failed',
};

export interface DeliveryEvent {
	event: 'delivery';
	platform: CallbackFormat;
	messageId: string;
	customerMessageId: string | null;
	globalId: string | null;
	destination: string | null;
	channel: string | null;
	status: DeliveryStatus;
	statusCode: number | null;
	statusDescription: string | null;
	delivered: boolean;
	final: boolean;
	parts: number | null;
	part: number | null;
	price: number | null;
	operator: string | null;
	error: string | null;
	submittedAt: string | null;
	doneAt: string | null;
	timestamp: string | null;
	raw: IDataObject;
}

export interface ReadEvent {
	event: 'read';
	platform: CallbackFormat;
	messageId: string;
	destination: string | null;
	channel: string | null;
	timestamp: string | null;
	raw: IDataObject;
}

export interface InboundEvent {
	event: 'inbound';
	platform: CallbackFormat;
	from: string;
	to: string | null;
	text: string;
	channel: string | null;
	messageType: string | null;
	/** ISO 8601 in UTC, or null when the payload carried no readable time. */
	receivedAt: string | null;
	raw: IDataObject;
}

export type AgileEvent = DeliveryEvent | ReadEvent | InboundEvent;

export interface ParseOptions {
	/** IANA zone in which `date_time` of an inbound SMS (§14, no offset given) is read. */
	inboundTimeZone: string;
}

export class CallbackFormatError extends Error {}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Form bodies may repeat a key (n8n's parser then gives an array): the first value wins. */
function scalar(value: unknown): unknown {
	return Array.isArray(value) ? value[0] : value;
}

function text(value: unknown): string | null {
	const v = scalar(value);
	if (typeof v === 'string') return v;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return null;
}

function nonEmpty(value: unknown): string | null {
	const v = text(value);
	return v !== null && v.trim() !== '' ? v : null;
}

function num(value: unknown): number | null {
	const v = scalar(value);
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
	return null;
}

/** ISO 8601 in UTC when the text is a date with an explicit zone, else the text as received. */
export function toIsoTimestamp(value: unknown): string | null {
	const raw = nonEmpty(value);
	if (raw === null) return null;
	// Wholesale writes offsets without a colon (`+0200`); Date.parse only accepts them with one.
	const candidate = raw.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	if (!/(Z|[+-]\d{2}:\d{2})$/i.test(candidate)) return raw;
	const ms = Date.parse(candidate);
	return Number.isNaN(ms) ? raw : new Date(ms).toISOString();
}

/**
 * §14 `date_time` is `YYYYMMDDHHMMSS` without a zone. It is read as wall-clock time in `timeZone`
 * (default Europe/Rome, where Agile Telecom operates) and returned in UTC; null when unreadable.
 */
export function inboundDateToIso(value: unknown, timeZone: string): string | null {
	const raw = nonEmpty(value);
	const m = raw === null ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw.trim());
	if (!m) return null;
	const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
	const wallClockAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
	const check = new Date(wallClockAsUtc);
	if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
	// Two passes settle the offset around daylight-saving changes.
	let offset = zoneOffsetMinutes(wallClockAsUtc, timeZone);
	offset = zoneOffsetMinutes(wallClockAsUtc - offset * 60000, timeZone);
	return new Date(wallClockAsUtc - offset * 60000).toISOString();
}

export function statusFromName(name: unknown): StatusInfo | undefined {
	const key = nonEmpty(name)?.trim().toUpperCase();
	const status = key === undefined ? undefined : STATUS_NAMES[key];
	return status ? STATUS_INFO[status] : undefined;
}

export function wholesaleStatus(name: unknown, code: unknown): StatusInfo {
	// The name wins when both are sent: it is the human-facing field of the same report.
	const byName = statusFromName(name);
	if (byName) return byName;
	const c = num(code);
	const status = c === null ? undefined : WHOLESALE_CODES[c];
	return status ? STATUS_INFO[status] : UNRECOGNISED;
}

export function qlaraStatus(code: unknown): StatusInfo {
	const c = num(code);
	const status = c === null ? undefined : QLARA_CODES[c];
	return status ? STATUS_INFO[status] : UNRECOGNISED;
}

function upper(value: unknown): string | null {
	const v = nonEmpty(value);
	return v === null ? null : v.toUpperCase();
}

function delivery(
	platform: CallbackFormat,
	raw: IDataObject,
	info: StatusInfo,
	fields: Partial<Omit<DeliveryEvent, 'event' | 'platform' | 'raw' | 'status' | 'delivered' | 'final'>> & {
		messageId: string;
	},
): DeliveryEvent {
	return {
		event: 'delivery',
		platform,
		messageId: fields.messageId,
		customerMessageId: fields.customerMessageId ?? null,
		globalId: fields.globalId ?? null,
		destination: fields.destination ?? null,
		channel: fields.channel ?? null,
		status: info.status,
		statusCode: fields.statusCode ?? null,
		statusDescription: fields.statusDescription ?? null,
		delivered: info.status === 'delivered',
		final: info.final,
		parts: fields.parts ?? null,
		part: fields.part ?? null,
		price: fields.price ?? null,
		operator: fields.operator ?? null,
		error: fields.error ?? null,
		submittedAt: fields.submittedAt ?? null,
		doneAt: fields.doneAt ?? null,
		timestamp: fields.timestamp ?? null,
		raw,
	};
}

function required(value: string | null, field: string, format: string): string {
	if (value === null) throw new CallbackFormatError(`${format} without "${field}"`);
	return value;
}

/** §4.3 and §6.3: JSON with `eventType`. */
function parseQlara(raw: IDataObject, where: string): AgileEvent {
	const eventType = upper(raw.eventType);
	const channel = upper(raw.channel);
	if (eventType === 'INBOUND') {
		return {
			event: 'inbound',
			platform: 'qlara',
			from: required(nonEmpty(raw.source), 'source', `${where}INBOUND event`),
			to: nonEmpty(raw.destination),
			text: text(raw.text) ?? '',
			channel,
			messageType: nonEmpty(raw.messageType),
			receivedAt: toIsoTimestamp(raw.timestamp),
			raw,
		};
	}
	const messageId = required(nonEmpty(raw.messageId), 'messageId', `${where}${eventType ?? 'Qlara'} event`);
	if (eventType === 'READ') {
		return {
			event: 'read',
			platform: 'qlara',
			messageId,
			destination: nonEmpty(raw.destination),
			channel,
			timestamp: toIsoTimestamp(raw.timestamp),
			raw,
		};
	}
	if (eventType !== 'DELIVERY') throw new CallbackFormatError(`${where}unknown eventType "${String(raw.eventType)}"`);
	// Universal callbacks (§4.3) carry part and price fields and no destination; partner-gateway ones (§6.3) the reverse.
	const universal =
		raw.destination === undefined &&
		(raw.numPart !== undefined || raw.totalParts !== undefined || raw.price !== undefined || raw.statusDescription !== undefined);
	const statusCode = num(raw.statusCode);
	const info = statusCode === null ? (statusFromName(raw.status) ?? UNRECOGNISED) : qlaraStatus(statusCode);
	return delivery(universal ? 'universal' : 'qlara', raw, info, {
		messageId,
		customerMessageId: nonEmpty(raw.customerMessageId),
		destination: nonEmpty(raw.destination),
		channel,
		statusCode,
		statusDescription: nonEmpty(raw.statusDescription) ?? nonEmpty(raw.description),
		parts: num(raw.totalParts),
		part: num(raw.numPart),
		price: num(raw.price),
		timestamp: toIsoTimestamp(raw.timestamp),
		doneAt: toIsoTimestamp(raw.timestamp),
	});
}

/** §6.1. */
function parseWholesale(raw: IDataObject, where: string): DeliveryEvent {
	if (raw.status === undefined && raw.statusCode === undefined) {
		throw new CallbackFormatError(`${where}wholesale delivery report without "status" or "statusCode"`);
	}
	return delivery('wholesale', raw, wholesaleStatus(raw.status, raw.statusCode), {
		messageId: required(nonEmpty(raw.id), 'id', `${where}wholesale delivery report`),
		globalId: nonEmpty(raw.globalId),
		destination: nonEmpty(raw.destination),
		statusCode: num(raw.statusCode),
		statusDescription: nonEmpty(raw.status),
		parts: num(raw.parts),
		operator: nonEmpty(raw.operator),
		submittedAt: toIsoTimestamp(raw.submitDate),
		doneAt: toIsoTimestamp(raw.doneDate),
		timestamp: toIsoTimestamp(raw.doneDate),
	});
}

/** §6.4. */
function parsePartnerGatewayLegacy(raw: IDataObject, where: string): DeliveryEvent {
	const status = required(nonEmpty(raw.status), 'status', `${where}partner-gateway delivery event`);
	return delivery('partnerGatewayLegacy', raw, statusFromName(status) ?? UNRECOGNISED, {
		messageId: required(nonEmpty(raw.messageId), 'messageId', `${where}partner-gateway delivery event`),
		customerMessageId: nonEmpty(raw.customerMessageId),
		destination: nonEmpty(raw.phoneNumber),
		channel: upper(raw.channel),
		statusDescription: status,
		error: nonEmpty(raw.error),
		timestamp: toIsoTimestamp(raw.timestamp),
		doneAt: toIsoTimestamp(raw.timestamp),
	});
}

/** §14. Lenient on the time: refusing the SMS would make Agile retry it and finally discard it. */
function parseInboundForm(raw: IDataObject, options: ParseOptions, where: string): InboundEvent {
	return {
		event: 'inbound',
		platform: 'inboundForm',
		from: required(nonEmpty(raw.originator), 'originator', `${where}inbound SMS`),
		to: nonEmpty(raw.destination),
		text: text(raw.text) ?? '',
		channel: 'SMS',
		messageType: null,
		receivedAt: inboundDateToIso(raw.date_time, options.inboundTimeZone),
		raw,
	};
}

/** Recognises one callback object; throws CallbackFormatError when it matches no documented format. */
export function parseEvent(raw: unknown, options: ParseOptions, where = ''): AgileEvent {
	if (!isObject(raw)) throw new CallbackFormatError(`${where}an event must be a JSON object`);
	if (raw.eventType !== undefined) return parseQlara(raw, where);
	if (raw.originator !== undefined) return parseInboundForm(raw, options, where);
	if (raw.id !== undefined) return parseWholesale(raw, where);
	if (raw.messageId !== undefined && raw.status !== undefined) return parsePartnerGatewayLegacy(raw, where);
	throw new CallbackFormatError(`${where}the body matches no documented Agile Telecom callback format`);
}

/** A body is one event or a JSON array of events; all must be valid, or none is used. */
export function parseEvents(body: unknown, options: ParseOptions): AgileEvent[] {
	if (!Array.isArray(body)) return [parseEvent(body, options)];
	if (body.length === 0) throw new CallbackFormatError('the body is an empty array');
	return body.map((raw, index) => parseEvent(raw, options, `event ${index}: `));
}

/** Which Events option an event belongs to. */
export function eventCategory(event: AgileEvent): TriggerEvent {
	if (event.event === 'inbound') return 'inbound';
	if (event.event === 'read') return 'read';
	return STATUS_INFO[event.status].category;
}

/**
 * What n8n hands the node as body, back to a value: n8n parses JSON, form and text/plain bodies only by
 * their content type, so a JSON or form body sent with another (or no) content type arrives unparsed.
 */
export function decodeBody(body: unknown, rawBody: string | undefined): unknown {
	const empty = body === undefined || (isObject(body) && Object.keys(body).length === 0);
	const unparsed = typeof body === 'string' ? body : empty ? (rawBody ?? '') : undefined;
	if (unparsed === undefined) return body;
	const trimmed = unparsed.trim();
	if (trimmed === '') throw new CallbackFormatError('the body is empty');
	if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
		const parsed = parseJson(trimmed);
		if (parsed.problem !== undefined) throw new CallbackFormatError(`the body is not valid JSON (${parsed.problem})`);
		return parsed.value;
	}
	if (trimmed.includes('=')) {
		const form: IDataObject = {};
		for (const [key, value] of new URLSearchParams(trimmed)) if (!(key in form)) form[key] = value;
		return form;
	}
	throw new CallbackFormatError('the body is neither JSON nor form-encoded');
}

function parseJson(textValue: string): { value?: unknown; problem?: string } {
	try {
		return { value: JSON.parse(textValue) as unknown };
	} catch (error) {
		return { problem: error instanceof Error ? error.message : String(error) };
	}
}
