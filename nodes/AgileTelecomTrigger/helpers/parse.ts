import type { IDataObject } from 'n8n-workflow';

import {
	DELIVERY_STATUS_TABLE,
	UNDOCUMENTED_STATUS,
	statusFromName,
	statusFromQlaraCode,
	statusFromWholesaleCode,
	type DeliveryStatus,
	type DeliveryStatusInfo,
} from '../../AgileTelecom/helpers/deliveryStatus';
import { inboundDateToIso, toIsoTimestamp } from './times';

/**
 * Pure parsing of every callback Agile Telecom documents (agile-api.md §4.3, §6, §14) into one shape.
 * Nothing here knows about n8n's request objects: the node hands over the decoded body.
 *
 * It never refuses a decoded body. A callback of no documented format or event type becomes an `unknown` event
 * carrying the body, because Agile Telecom retries a refused callback three times and then drops it: the legacy
 * hosts' report format is not documented (§16.3) and Qlara adds event types over time.
 */

/** Which documented format a callback came in. */
export type CallbackFormat =
	| 'wholesale' // §6.1 wholesale DLR
	| 'universal' // §4.3 SMS Universal delivery callback
	| 'qlara' // §6.3 Qlara partner-gateway webhook (DELIVERY, READ, INBOUND)
	| 'partnerGatewayLegacy' // §6.4 older generic partner-gateway payload
	| 'inboundForm'; // §14 inbound SMS, form-encoded

/** The choices of the node's Events parameter. */
export type TriggerEvent = 'delivered' | 'failed' | 'expired' | 'otherStatus' | 'read' | 'inbound' | 'unknown';

export const ALL_EVENTS: TriggerEvent[] = ['delivered', 'failed', 'expired', 'otherStatus', 'read', 'inbound', 'unknown'];

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
	/** How many SMS parts the message has (Universal `totalParts`, wholesale billed `parts`). */
	parts: number | null;
	/** Which part this report is about (Universal `numPart`: one callback per part); null for whole-message reports. */
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

/** A callback the node does not recognise, passed on rather than refused. */
export interface UnknownEvent {
	event: 'unknown';
	/** The documented format the body resembles, if any (e.g. `qlara` for a new Qlara event type). */
	platform: CallbackFormat | null;
	/** The body's `eventType`, upper case, when it has one. */
	eventType: string | null;
	/** Why it was not recognised. */
	reason: string;
	/** The callback as received: an object, or whatever JSON value or text the body held. */
	raw: unknown;
}

export type AgileEvent = DeliveryEvent | ReadEvent | InboundEvent | UnknownEvent;

export interface ParseOptions {
	/** IANA zone in which `date_time` of an inbound SMS (§14, no offset given) is read. */
	inboundTimeZone: string;
}

/** Thrown inside this module only: the body is well-formed but not a callback the node knows. */
class NotRecognised extends Error {}

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

function upper(value: unknown): string | null {
	const v = nonEmpty(value);
	return v === null ? null : v.toUpperCase();
}

function required(value: string | null, field: string, format: string): string {
	if (value === null) throw new NotRecognised(`${format} without "${field}"`);
	return value;
}

/** §6.1: the status name wins when both are sent: it is the human-facing field of the same report. */
export function wholesaleStatus(name: unknown, code: unknown): DeliveryStatusInfo {
	return statusFromName(name) ?? statusFromWholesaleCode(code) ?? UNDOCUMENTED_STATUS;
}

type DeliveryFields = Partial<Omit<DeliveryEvent, 'event' | 'platform' | 'raw' | 'status' | 'delivered' | 'final'>> & {
	messageId: string;
};

function delivery(platform: CallbackFormat, raw: IDataObject, info: DeliveryStatusInfo, fields: DeliveryFields): DeliveryEvent {
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
		delivered: info.delivered,
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

function parseQlaraInbound(raw: IDataObject): InboundEvent {
	return {
		event: 'inbound',
		platform: 'qlara',
		from: required(nonEmpty(raw.source), 'source', 'INBOUND event'),
		to: nonEmpty(raw.destination),
		text: text(raw.text) ?? '',
		channel: upper(raw.channel),
		messageType: nonEmpty(raw.messageType),
		receivedAt: toIsoTimestamp(raw.timestamp),
		raw,
	};
}

/** §4.3 and §6.3: JSON with `eventType`. */
function parseQlara(raw: IDataObject): AgileEvent {
	const eventType = upper(raw.eventType);
	if (eventType === 'INBOUND') return parseQlaraInbound(raw);
	if (eventType !== 'READ' && eventType !== 'DELIVERY') throw new NotRecognised(`unknown eventType "${String(raw.eventType)}"`);
	const messageId = required(nonEmpty(raw.messageId), 'messageId', `${eventType} event`);
	const channel = upper(raw.channel);
	if (eventType === 'READ') {
		return { event: 'read', platform: 'qlara', messageId, destination: nonEmpty(raw.destination), channel, timestamp: toIsoTimestamp(raw.timestamp), raw };
	}
	// Universal callbacks (§4.3) carry part and price fields and no destination; partner-gateway ones (§6.3) the reverse.
	const universal =
		raw.destination === undefined &&
		(raw.numPart !== undefined || raw.totalParts !== undefined || raw.price !== undefined || raw.statusDescription !== undefined);
	const statusCode = num(raw.statusCode);
	const info =
		statusCode === null ? (statusFromName(raw.status) ?? UNDOCUMENTED_STATUS) : (statusFromQlaraCode(statusCode) ?? UNDOCUMENTED_STATUS);
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
function parseWholesale(raw: IDataObject): DeliveryEvent {
	if (raw.status === undefined && raw.statusCode === undefined) {
		throw new NotRecognised('wholesale delivery report without "status" or "statusCode"');
	}
	return delivery('wholesale', raw, wholesaleStatus(raw.status, raw.statusCode), {
		messageId: required(nonEmpty(raw.id), 'id', 'wholesale delivery report'),
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
function parsePartnerGatewayLegacy(raw: IDataObject): DeliveryEvent {
	const status = required(nonEmpty(raw.status), 'status', 'partner-gateway delivery event');
	return delivery('partnerGatewayLegacy', raw, statusFromName(status) ?? UNDOCUMENTED_STATUS, {
		messageId: required(nonEmpty(raw.messageId), 'messageId', 'partner-gateway delivery event'),
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
function parseInboundForm(raw: IDataObject, options: ParseOptions): InboundEvent {
	return {
		event: 'inbound',
		platform: 'inboundForm',
		from: required(nonEmpty(raw.originator), 'originator', 'inbound SMS'),
		to: nonEmpty(raw.destination),
		text: text(raw.text) ?? '',
		channel: 'SMS',
		messageType: null,
		receivedAt: inboundDateToIso(raw.date_time, options.inboundTimeZone),
		raw,
	};
}

/** The documented format an object looks like, by its distinguishing field. */
function formatOf(raw: IDataObject): CallbackFormat | null {
	if (raw.eventType !== undefined) return 'qlara';
	if (raw.originator !== undefined) return 'inboundForm';
	if (raw.id !== undefined) return 'wholesale';
	if (raw.messageId !== undefined && raw.status !== undefined) return 'partnerGatewayLegacy';
	return null;
}

function recognise(raw: IDataObject, format: CallbackFormat, options: ParseOptions): AgileEvent {
	if (format === 'qlara') return parseQlara(raw);
	if (format === 'inboundForm') return parseInboundForm(raw, options);
	if (format === 'wholesale') return parseWholesale(raw);
	return parsePartnerGatewayLegacy(raw);
}

function unknown(raw: unknown, platform: CallbackFormat | null, reason: string): UnknownEvent {
	const eventType = isObject(raw) ? upper(raw.eventType) : null;
	return { event: 'unknown', platform, eventType, reason, raw };
}

/** One callback object to one event; anything unrecognised becomes an `unknown` event, never an error. */
export function parseEvent(raw: unknown, options: ParseOptions): AgileEvent {
	if (!isObject(raw)) return unknown(raw, null, 'the callback is not a JSON object');
	const format = formatOf(raw);
	if (format === null) return unknown(raw, null, 'the body matches no documented Agile Telecom callback format');
	let failure: unknown;
	try {
		return recognise(raw, format, options);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof NotRecognised) return unknown(raw, format, failure.message);
	throw failure;
}

/** A body is one event or a JSON array of events, each recognised on its own. */
export function parseEvents(body: unknown, options: ParseOptions): AgileEvent[] {
	return Array.isArray(body) ? body.map((raw) => parseEvent(raw, options)) : [parseEvent(body, options)];
}

const OUTCOME_EVENTS: Record<DeliveryStatusInfo['outcome'], TriggerEvent> = {
	delivered: 'delivered',
	failed: 'failed',
	expired: 'expired',
	other: 'otherStatus',
};

/** Which Events option an event belongs to. */
export function eventCategory(event: AgileEvent): TriggerEvent {
	if (event.event !== 'delivery') return event.event;
	return OUTCOME_EVENTS[DELIVERY_STATUS_TABLE[event.status].outcome];
}
