import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import { mapWithConcurrency } from '../../helpers/concurrency';
import { toAgileDate } from '../../helpers/dates';
import { segmentSms } from '../../helpers/encoding';
import { fillPlaceholders } from '../../helpers/placeholders';
import { RateLimiter } from '../../helpers/rateLimiter';
import { invalidField, normalizePhoneNumber, senderProblem } from '../../helpers/validation';
import { DESTINATION_STATUS, redactDeep } from '../../transport/errors';
import { agileRequest, type Connection, type RequestPacer } from '../../transport/request';
import { toItemError, type ItemOutcome } from '../outcome';

const displayOptions = { show: { resource: ['sms'], operation: ['send'] } };

/** Documented Qlara production limits (agile-api.md §9): 1,000 requests/min, bursts of 50/s, per API key. */
export const DEFAULT_MAX_CONCURRENCY = 10;
/** 16/s = 960/min: inside both production limits even when sustained for minutes. */
export const DEFAULT_MAX_REQUESTS_PER_SECOND = 16;
const CAMPAIGN_ID_MAX = 255;

export const description: INodeProperties[] = [
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+393351234567',
		description:
			'Recipient in international format: + (or 00), country code and number. One SMS per input item.',
		displayOptions,
	},
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'MyShop',
		description:
			'Sender registered on the Qlara portal: up to 11 letters and digits without spaces, or up to 16 digits',
		displayOptions,
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description:
			'Text of the SMS. {name} is replaced by the value of the placeholder "name" (see Options → Placeholders).',
		displayOptions,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Campaign ID',
				name: 'campaignId',
				type: 'string',
				default: '',
				description: 'Label that groups messages in Qlara reports (up to 255 characters)',
			},
			{
				displayName: 'Enable Notification',
				name: 'enableNotification',
				type: 'boolean',
				default: true,
				description:
					"Whether Agile Telecom sends delivery reports for this SMS to the callback URL configured on the account",
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				type: 'string',
				default: '',
				description:
					'Your own ID for tracking this SMS. When empty, the node generates a UUID; either way the ID is in the output and is reused by every retry.',
			},
			{
				displayName: 'Placeholders',
				name: 'placeholders',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Placeholder',
				default: {},
				description: 'Values for the {name} markers of the body, filled in by Agile Telecom',
				options: [
					{
						displayName: 'Placeholder',
						name: 'placeholder',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'firstName',
								description: 'Written in the body as {name}',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
							},
						],
					},
				],
			},
			{
				displayName: 'Scheduled Date',
				name: 'scheduledDate',
				type: 'dateTime',
				default: '',
				description:
					"When Agile Telecom should send the SMS. A time without an offset is read in the workflow's time zone.",
			},
			{
				displayName: 'Simulation',
				name: 'simulation',
				type: 'boolean',
				default: false,
				description: 'Whether Agile Telecom only validates the request, without sending the SMS or using credit',
			},
			{
				displayName: 'Skip RCS Override',
				name: 'skipRcsOverride',
				type: 'boolean',
				default: false,
				description: 'Whether to send a plain SMS even when the account is set to upgrade SMS to RCS',
			},
			{
				displayName: 'UDH Data',
				name: 'udhData',
				type: 'string',
				default: '',
				placeholder: '050003CC0201',
				description: 'User data header in hexadecimal, for binary messages or manual concatenation',
			},
		],
	},
	{
		displayName: 'Throughput',
		name: 'throughput',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description:
			'How fast items are sent. Qlara allows 1,000 requests per minute with bursts of 50 per second on production accounts, 100 per minute with bursts of 10 per second on trial accounts; the defaults stay inside the production limit.',
		displayOptions,
		options: [
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 10,
				description: 'How many requests may be waiting for an answer at the same time',
			},
			{
				displayName: 'Max Requests per Second',
				name: 'maxRequestsPerSecond',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 2 },
				default: 16,
				description:
					'Ceiling the node keeps to, spacing requests evenly. 16 stays inside the production limit (1,000 per minute); use 1.6 for a trial account (100 per minute).',
			},
		],
	},
];

/** Qlara single-send success bodies (agile-api.md §4.2): UC-001's object keyed by channel, or the quick-start's array. */
export interface QlaraChannelResult {
	accepted?: boolean;
	unicode?: boolean;
	parts?: number;
	reasons?: unknown[];
}

export interface QlaraArrayResult {
	phoneNumber?: string;
	accepted?: boolean;
	channel?: string;
	statusCode?: number;
	reasons?: unknown[];
}

export interface QlaraSendResponse {
	messageId?: string;
	customerMessageId?: string;
	simulation?: boolean;
	results?: { sms?: QlaraChannelResult } | QlaraArrayResult[];
}

/** The Qlara request body; only the fields the user set (messageId is always set). */
export interface QlaraSendBody extends IDataObject {
	destination: string;
	sender: string;
	body: string;
	messageId: string;
	campaignId?: string;
	placeholders?: Record<string, string>;
	scheduledDate?: string;
	simulation?: boolean;
	enableNotification?: boolean;
	skipRcsOverride?: boolean;
	udhData?: string;
}

interface PreparedItem {
	body: QlaraSendBody;
	/** The body as the handset will show it, for the local encoding and parts count. */
	finalText: string;
	warnings: string[];
}

interface SendOptions {
	campaignId?: string;
	enableNotification?: boolean;
	messageId?: string;
	placeholders?: { placeholder?: Array<{ name?: string; value?: unknown }> };
	scheduledDate?: unknown;
	simulation?: boolean;
	skipRcsOverride?: boolean;
	udhData?: string;
}

interface ParsedResult {
	accepted: boolean;
	unicode?: boolean;
	parts?: number;
	reasons: unknown[];
	statusCode?: number;
	channel?: string;
}

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

function prepareItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	timeZone: string,
): { item: PreparedItem } | { error: NodeOperationError } {
	const node = ctx.getNode();
	const fail = (field: string, problem: string) => ({ error: invalidField(node, itemIndex, field, problem) });

	const rawDestination = text(ctx.getNodeParameter('destination', itemIndex, ''));
	if (!rawDestination) return fail('Destination', 'is required');
	const destination = normalizePhoneNumber(rawDestination);
	if (!destination.number) return fail('Destination', destination.problem ?? 'is not a phone number');

	const sender = text(ctx.getNodeParameter('sender', itemIndex, ''));
	const senderIssue = senderProblem(sender);
	if (senderIssue) return fail('Sender', senderIssue);

	const message = String(ctx.getNodeParameter('body', itemIndex, '') ?? '');
	if (!message.trim()) return fail('Body', 'is required');

	const options = ctx.getNodeParameter('options', itemIndex, {}) as SendOptions;
	const body: QlaraSendBody = {
		destination: destination.number,
		sender,
		body: message,
		messageId: text(options.messageId) || randomUUID(),
	};

	if (options.campaignId !== undefined) {
		const campaignId = text(options.campaignId);
		if (campaignId.length > CAMPAIGN_ID_MAX) {
			return fail('Campaign ID', `has ${campaignId.length} characters; at most ${CAMPAIGN_ID_MAX} are allowed`);
		}
		if (campaignId) body.campaignId = campaignId;
	}

	const values: Record<string, string> = {};
	for (const pair of options.placeholders?.placeholder ?? []) {
		const name = text(pair.name);
		if (!name) return fail('Placeholders', 'a placeholder has no name');
		if (!/^\w+$/.test(name)) {
			return fail('Placeholders', `"${name}" may contain only letters, digits and _ (it is written {${name}} in the body)`);
		}
		if (Object.prototype.hasOwnProperty.call(values, name)) return fail('Placeholders', `"${name}" is given twice`);
		values[name] = pair.value === undefined || pair.value === null ? '' : String(pair.value);
	}
	if (Object.keys(values).length > 0) body.placeholders = values;
	const filled = fillPlaceholders(message, values);
	const warnings = filled.missing.map(
		(name) => `The body uses {${name}} but no placeholder "${name}" is given: it is sent as written`,
	);

	const scheduled = options.scheduledDate;
	if (scheduled !== undefined && scheduled !== null && scheduled !== '') {
		const agileDate = toAgileDate(scheduled, timeZone);
		if (!agileDate) {
			return fail(
				'Scheduled Date',
				`"${String(scheduled)}" is not a date. Use an ISO date such as 2026-05-20T08:30:00 or 2026-05-20T08:30:00+02:00`,
			);
		}
		body.scheduledDate = agileDate;
	}

	if (options.udhData !== undefined) {
		const udhData = text(options.udhData);
		if (udhData && (!/^[0-9A-Fa-f]+$/.test(udhData) || udhData.length % 2 !== 0)) {
			return fail('UDH Data', `"${udhData}" is not hexadecimal bytes (an even number of 0-9 and A-F)`);
		}
		if (udhData) body.udhData = udhData;
	}

	for (const flag of ['simulation', 'enableNotification', 'skipRcsOverride'] as const) {
		if (options[flag] !== undefined) body[flag] = Boolean(options[flag]);
	}

	return { item: { body, finalText: filled.text, warnings } };
}

function parseResult(response: unknown): ParsedResult {
	const results = (response as QlaraSendResponse | undefined)?.results;
	if (Array.isArray(results)) {
		const entry = results.find((r) => String(r?.channel ?? '').toLowerCase() === 'sms') ?? results[0];
		if (entry && typeof entry === 'object') {
			const statusCode = typeof entry.statusCode === 'number' ? entry.statusCode : undefined;
			const accepted =
				typeof entry.accepted === 'boolean'
					? entry.accepted
					: statusCode === undefined || (statusCode >= 200 && statusCode < 300);
			return {
				accepted,
				reasons: Array.isArray(entry.reasons) ? entry.reasons : [],
				statusCode,
				channel: entry.channel,
			};
		}
	} else if (results && typeof results === 'object' && results.sms && typeof results.sms === 'object') {
		const sms = results.sms;
		return {
			accepted: sms.accepted !== false,
			unicode: typeof sms.unicode === 'boolean' ? sms.unicode : undefined,
			parts: typeof sms.parts === 'number' ? sms.parts : undefined,
			reasons: Array.isArray(sms.reasons) ? sms.reasons : [],
		};
	}
	// The API reference documents 200 as "Message accepted"; a body without results adds nothing to that.
	return { accepted: true, reasons: [] };
}

/** Reasons are undocumented beyond "rejection reasons": strings or objects with a code and a text. */
function reasonText(reason: unknown): string {
	if (typeof reason === 'string') return reason;
	if (reason && typeof reason === 'object') {
		const r = reason as Record<string, unknown>;
		const words = [r.description, r.message, r.reason, r.error].find((v) => typeof v === 'string' && v);
		const code = r.code ?? r.statusCode;
		if (words !== undefined) return code !== undefined ? `${String(words)} (code ${String(code)})` : String(words);
		return JSON.stringify(reason);
	}
	return String(reason);
}

function reasonCode(parsed: ParsedResult): number | undefined {
	if (parsed.statusCode !== undefined) return parsed.statusCode;
	for (const reason of parsed.reasons) {
		const code = Number((reason as { code?: unknown } | null)?.code);
		if (Number.isInteger(code) && DESTINATION_STATUS[code]) return code;
	}
	return undefined;
}

function rejectionError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	body: QlaraSendBody,
	parsed: ParsedResult,
	response: unknown,
	secrets: string[],
): NodeApiError {
	const code = reasonCode(parsed);
	const known = code !== undefined ? DESTINATION_STATUS[code] : undefined;
	const reasons = parsed.reasons.map(reasonText);
	const why = reasons.length > 0 ? reasons.join('; ') : known ? known.meaning : 'no reason given';
	const status = parsed.statusCode !== undefined && reasons.length === 0 ? ` (status ${parsed.statusCode})` : '';
	const message = `Item ${itemIndex + 1}: Agile Telecom did not accept the SMS to ${body.destination}: ${why}${status}`;
	const details = redactDeep(response, secrets) as JsonObject;
	const error = new NodeApiError(
		ctx.getNode(),
		{ message, body: details },
		{
			message,
			description: `${known?.todo ?? 'Check the reasons, the sender registration and the account credit in the Qlara portal.'} Message ID ${body.messageId}.`,
			itemIndex,
			...(code !== undefined ? { httpCode: String(code) } : {}),
		},
	);
	error.message = message;
	error.context.details = { messageId: body.messageId, destination: body.destination, response: details };
	return error;
}

function outputJson(item: PreparedItem, parsed: ParsedResult, response: unknown): IDataObject {
	const { body } = item;
	const sent = response as QlaraSendResponse | undefined;
	const segmentation = segmentSms(item.finalText);
	const json: IDataObject = {
		messageId: body.messageId,
		destination: body.destination,
		accepted: true,
		simulation: typeof sent?.simulation === 'boolean' ? sent.simulation : body.simulation === true,
		encoding: segmentation.encoding,
		parts: segmentation.parts,
	};
	if (segmentation.nonGsmCharacters.length > 0) json.nonGsmCharacters = segmentation.nonGsmCharacters;
	if (parsed.unicode !== undefined) json.serverEncoding = parsed.unicode ? 'UCS-2' : 'GSM-7';
	if (parsed.parts !== undefined) json.serverParts = parsed.parts;
	if (parsed.channel !== undefined) json.channel = parsed.channel;
	if (parsed.statusCode !== undefined) json.statusCode = parsed.statusCode;
	// The quick-start shape returns the platform's own id next to ours (customerMessageId); keep both.
	if (typeof sent?.messageId === 'string' && sent.messageId !== body.messageId) {
		json.providerMessageId = sent.messageId;
	}
	if (body.campaignId !== undefined) json.campaignId = body.campaignId;
	if (body.scheduledDate !== undefined) json.scheduledDate = body.scheduledDate;
	if (item.warnings.length > 0) json.warnings = item.warnings;
	return json;
}

function throughputSettings(ctx: IExecuteFunctions): { concurrency: number; ratePerSecond: number } {
	const raw = ctx.getNodeParameter('throughput', 0, {}) as { maxConcurrency?: unknown; maxRequestsPerSecond?: unknown };
	const concurrency = Math.floor(Number(raw.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY));
	const rate = Number(raw.maxRequestsPerSecond ?? DEFAULT_MAX_REQUESTS_PER_SECOND);
	return {
		concurrency: Number.isFinite(concurrency) && concurrency >= 1 ? Math.min(concurrency, 100) : DEFAULT_MAX_CONCURRENCY,
		ratePerSecond: Number.isFinite(rate) && rate > 0 ? rate : DEFAULT_MAX_REQUESTS_PER_SECOND,
	};
}

/**
 * One request per item. Everything is validated before the first request; message ids are fixed before the
 * first attempt and the same body object is resent by every retry, so a retried SMS keeps its id.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<ItemOutcome[]> {
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const timeZone = this.getTimezone();
	const outcomes = new Array<ItemOutcome>(items.length);
	const toSend: Array<{ itemIndex: number; item: PreparedItem }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const prepared = prepareItem(this, itemIndex, timeZone);
		if ('error' in prepared) {
			if (!continueOnFail) throw prepared.error;
			outcomes[itemIndex] = prepared;
		} else {
			toSend.push({ itemIndex, item: prepared.item });
		}
	}

	const retry = getRetrySettings(this);
	const { concurrency, ratePerSecond } = throughputSettings(this);
	const signal = this.getExecutionCancelSignal();
	const limiter = new RateLimiter({ ratePerSecond, signal });

	const sendOne = async (itemIndex: number, item: PreparedItem): Promise<ItemOutcome> => {
		const pacer: RequestPacer = {
			beforeAttempt: async () =>
				await limiter.acquire().catch(() => {
					throw new NodeOperationError(node, 'The execution was cancelled while waiting for the rate limit', {
						itemIndex,
					});
				}),
			onRateLimited: (waitMs) => limiter.pause(waitMs),
		};
		return await agileRequest<QlaraSendResponse>(this, connection, {
			method: 'POST',
			url: connection.endpoints.qlaraSend,
			body: item.body,
			kind: 'send',
			retry,
			itemIndex,
			pacer,
		}).then(
			(response): ItemOutcome => {
				const parsed = parseResult(response.body);
				if (!parsed.accepted) {
					return { error: rejectionError(this, itemIndex, item.body, parsed, response.body, connection.secrets) };
				}
				return { json: outputJson(item, parsed, response.body) };
			},
			(error: unknown): ItemOutcome => ({ error: toItemError(node, error, itemIndex) }),
		);
	};

	await mapWithConcurrency(toSend.length, concurrency, async (k, stop) => {
		const { itemIndex, item } = toSend[k];
		const outcome = await sendOne(itemIndex, item);
		outcomes[itemIndex] = outcome;
		if ('error' in outcome && (!continueOnFail || signal?.aborted)) {
			stop();
			throw outcome.error;
		}
	});
	return outcomes;
}
