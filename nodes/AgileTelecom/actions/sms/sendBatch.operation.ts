import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import {
	API_DEFAULTS,
	BATCH_DEFAULTS,
	MAX_CONCURRENCY,
	flatten,
	generateId,
	hexProblem,
	messageSegmentation,
	packRequests,
	readBatchResponse,
	type BatchEncoding,
	type BatchMessage,
	type BatchRequestBody,
	type DestinationResult,
} from '../../helpers/batch';
import { mapWithConcurrency } from '../../helpers/concurrency';
import { toAgileDate } from '../../helpers/dates';
import { invalidField, normalizePhoneNumber, senderProblem, splitList } from '../../helpers/validation';
import { apiError, destinationRejectedError } from '../../transport/errors';
import { agileRequest, type AgileResponse, type Connection } from '../../transport/request';
import type { ItemOutcome } from '../outcome';

const displayOptions = { show: { resource: ['sms'], operation: ['sendBatch'] } };

// Defaults below are literals because n8n's lint reads them statically; a test checks they equal
// API_DEFAULTS and BATCH_DEFAULTS.
export const description: INodeProperties[] = [
	{
		displayName: 'Destinations',
		name: 'destinations',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+393351234567, +393409876543',
		description:
			'Phone numbers in international format (+ or 00, country code, number), separated by commas or new lines. An expression may also return an array. Every number gets the same text.',
		displayOptions,
	},
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'InfoSMS',
		description:
			'Up to 11 letters and digits without spaces, or up to 16 digits. Some countries require it to be registered first.',
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
			'The text of the SMS. Over 160 GSM characters (70 with emoji or other non-GSM characters) it is sent as several parts, each billed.',
		displayOptions,
	},
	{
		displayName: 'Message Options',
		name: 'messageOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Hex Body',
				name: 'hexBody',
				type: 'boolean',
				default: false,
				description: 'Whether Body is hexadecimal bytes (two hex digits per byte) instead of text',
			},
			{
				displayName: 'IDs',
				name: 'ids',
				type: 'string',
				default: '',
				placeholder: 'order-1001, order-1002',
				description:
					'Your own message IDs, one per destination and in the same order, separated by commas or new lines. Delivery reports carry them. When empty, the node generates one per destination (a UUID) and outputs it.',
			},
			{
				displayName: 'Scheduling',
				name: 'scheduling',
				type: 'dateTime',
				default: '',
				description:
					"When to send. A time without an offset is read in the workflow's time zone; empty sends now.",
			},
			{
				displayName: 'UDH Data',
				name: 'udhData',
				type: 'string',
				default: '',
				placeholder: '050003CC0201',
				description: 'User data header in hex, prepended to the message (for binary or manually concatenated SMS)',
			},
		],
	},
	{
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description:
			'Options of the whole request, read from the first input item. An option is sent only when added here; otherwise Agile Telecom applies its default.',
		displayOptions,
		options: [
			{
				displayName: 'Enable Concatenated',
				name: 'enableConcatenated',
				type: 'boolean',
				default: true,
				description:
					'Whether a long text is sent as several parts. When off, Agile Telecom truncates it to one part. Applies to every message of the request; read from the first item.',
			},
			{
				displayName: 'Enable Delivery',
				name: 'enableDelivery',
				type: 'boolean',
				default: true,
				description:
					"Whether to request delivery reports, sent to the callback URL set in the Agile Telecom portal. Applies to every message of the request; read from the first item.",
			},
			{
				displayName: 'Enable Unicode',
				name: 'enableUnicode',
				type: 'boolean',
				default: true,
				description:
					'Whether texts with characters outside the GSM alphabet (emoji, È, Cyrillic …) are sent as Unicode. When off, Agile Telecom removes or replaces those characters. Read from the first item.',
			},
			{
				displayName: 'Global ID',
				name: 'globalId',
				type: 'string',
				default: '',
				description:
					'Your ID for the submission, echoed in delivery reports. Sent in every request of this run; when empty the node generates one per request (a UUID) and outputs it. Read from the first item.',
			},
			{
				displayName: 'Max ID Length',
				name: 'maxIdLen',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 64,
				description: 'Longest message ID accepted, in characters. Applies to the whole request; read from the first item.',
			},
			{
				displayName: 'Simulation',
				name: 'simulation',
				type: 'boolean',
				default: false,
				description:
					'Whether Agile Telecom only validates the request without sending any SMS. Applies to the whole request; read from the first item.',
			},
		],
	},
	{
		displayName: 'Batching',
		name: 'batching',
		type: 'collection',
		placeholder: 'Add Batching Option',
		default: {},
		description: 'How input items are packed into requests. Read from the first input item.',
		displayOptions,
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: 2,
				description: `How many requests may be in flight at once (1 to ${MAX_CONCURRENCY})`,
			},
			{
				displayName: 'Max Destinations per Request',
				name: 'maxDestinationsPerRequest',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description:
					'A request is closed before it would exceed this many destinations. An item with more destinations than this is rejected: split its list over several items.',
			},
			{
				displayName: 'Messages per Request',
				name: 'messagesPerRequest',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 500,
				description:
					'How many input items (messages) go into one request. If Agile Telecom answers 413 (too large), the node halves the request and sends both halves.',
			},
		],
	},
];

interface RequestOptions {
	globalId?: string;
	maxIdLen?: number;
	enableConcatenated?: boolean;
	enableUnicode?: boolean;
	enableDelivery?: boolean;
	simulation?: boolean;
}

interface MessageOptions {
	ids?: unknown;
	scheduling?: unknown;
	hexBody?: boolean;
	udhData?: string;
}

interface BatchingOptions {
	messagesPerRequest?: number;
	maxDestinationsPerRequest?: number;
	concurrency?: number;
}

/** A validated item, ready to send. */
interface Prepared {
	itemIndex: number;
	message: BatchMessage;
	encoding: BatchEncoding;
	parts: number;
}

function positiveInteger(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
	const n = Math.floor(Number(value));
	return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : fallback;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

// Statuses that hold for every request of this credential: once seen, further requests would fail the same way.
const FAILS_EVERY_REQUEST = new Set(['401', '403', '404', '415']);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<ItemOutcome[]> {
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const timeZone = this.getTimezone();
	const requestOptions = this.getNodeParameter('requestOptions', 0, {}) as RequestOptions;
	const batching = this.getNodeParameter('batching', 0, {}) as BatchingOptions;
	const retry = getRetrySettings(this);

	const maxIdLen = positiveInteger(requestOptions.maxIdLen, API_DEFAULTS.maxIdLen);
	const messagesPerRequest = positiveInteger(batching.messagesPerRequest, BATCH_DEFAULTS.messagesPerRequest);
	const maxDestinations = positiveInteger(batching.maxDestinationsPerRequest, BATCH_DEFAULTS.maxDestinationsPerRequest);
	const concurrency = positiveInteger(batching.concurrency, BATCH_DEFAULTS.concurrency, MAX_CONCURRENCY);
	const userGlobalId = text(requestOptions.globalId)?.trim() || undefined;

	// Only what the user added goes into the body, so it is exactly predictable from the parameters.
	const requestFields: Omit<BatchRequestBody, 'globalId' | 'messages'> = {};
	if (requestOptions.maxIdLen !== undefined) requestFields.maxIdLen = maxIdLen;
	for (const key of ['enableConcatenated', 'enableUnicode', 'enableDelivery', 'simulation'] as const) {
		if (requestOptions[key] !== undefined) requestFields[key] = Boolean(requestOptions[key]);
	}
	const segmentationOptions = {
		enableUnicode: requestFields.enableUnicode ?? API_DEFAULTS.enableUnicode,
		enableConcatenated: requestFields.enableConcatenated ?? API_DEFAULTS.enableConcatenated,
	};
	const simulation = requestFields.simulation === true;

	const outcomes = new Array<ItemOutcome>(items.length);
	const prepared: Array<Prepared | undefined> = [];

	/**
	 * Reads a parameter per item only when it holds an expression. Resolving an expression is by far the
	 * largest per-item cost (n8n builds a data proxy for every call), and a fixed value is the same for
	 * every item, so it is read once.
	 */
	const perItem = (name: string, fallback: unknown): ((i: number) => unknown) => {
		if (!hasExpression(this.getNodeParameter(name, 0, fallback, { rawExpressions: true }))) {
			const value = this.getNodeParameter(name, 0, fallback);
			return () => value;
		}
		return (i) => this.getNodeParameter(name, i, fallback);
	};
	const readDestinations = perItem('destinations', '');
	const readSender = perItem('sender', '');
	const readBody = perItem('body', '');
	const readMessageOptions = perItem('messageOptions', {});

	const prepare = (i: number): Prepared | { error: ReturnType<typeof invalidField> } => {
		const fail = (field: string, problem: string) => ({ error: invalidField(node, i, field, problem) });

		const rawDestinations = splitList(readDestinations(i));
		if (rawDestinations.length === 0) return fail('Destinations', 'at least one phone number is required');
		const destinations: string[] = [];
		for (const raw of rawDestinations) {
			const { number, problem } = normalizePhoneNumber(raw);
			if (!number) return fail('Destinations', problem ?? `"${raw}" is not a phone number`);
			destinations.push(number);
		}
		if (destinations.length > maxDestinations) {
			return fail(
				'Destinations',
				`${destinations.length} numbers are more than Max Destinations per Request (${maxDestinations}). Split the list over several items, or raise that setting`,
			);
		}

		const senderValue = text(readSender(i));
		const sender = senderValue?.trim() ?? '';
		const senderIssue = senderProblem(sender);
		if (senderIssue) return fail('Sender', senderIssue);

		const options = readMessageOptions(i) as MessageOptions;
		const hexBody = options.hexBody === true;
		const body = text(readBody(i));
		if (body === undefined) return fail('Body', 'must be text');
		if (body.trim() === '') return fail('Body', 'is empty');
		if (hexBody) {
			const problem = hexProblem(body);
			if (problem) return fail('Body', `with Hex Body on, ${problem}`);
		}

		let ids: string[];
		const givenIds = splitList(options.ids);
		if (givenIds.length > 0) {
			if (givenIds.length !== destinations.length) {
				return fail(
					'IDs',
					`${givenIds.length} IDs for ${destinations.length} destinations; give exactly one ID per destination, in the same order`,
				);
			}
			const tooLong = givenIds.find((id) => id.length > maxIdLen);
			if (tooLong) return fail('IDs', `"${tooLong}" is longer than Max ID Length (${maxIdLen} characters)`);
			ids = givenIds;
		} else {
			ids = destinations.map(() => generateId(maxIdLen));
		}

		const message: BatchMessage = { destinations, ids, sender, body };
		if (options.hexBody !== undefined) message.hexBody = hexBody;
		const udhData = text(options.udhData)?.trim();
		if (udhData) {
			const problem = hexProblem(udhData);
			if (problem) return fail('UDH Data', problem);
			message.udhData = udhData;
		}
		if (options.scheduling !== undefined && options.scheduling !== null && options.scheduling !== '') {
			const scheduling = toAgileDate(options.scheduling, timeZone);
			if (!scheduling) {
				return fail(
					'Scheduling',
					`"${String(options.scheduling)}" is not a date and time. Use an ISO date such as 2026-05-20T08:30:00+02:00 or an n8n date`,
				);
			}
			message.scheduling = scheduling;
		}
		const { encoding, parts } = messageSegmentation(body, { hexBody, ...segmentationOptions });
		return { itemIndex: i, message, encoding, parts };
	};

	// Every item is validated before anything is sent: without continue-on-fail one bad row sends nothing.
	for (let i = 0; i < items.length; i++) {
		const result = prepare(i);
		if ('error' in result) {
			if (!continueOnFail) throw result.error;
			outcomes[i] = result;
		} else {
			prepared.push(result);
		}
	}

	// A failure that will repeat for every request (bad credentials, IP not allowed, wrong URL).
	let fatal: NodeApiError | undefined;
	// Smallest message count that got a 413: later requests that large are halved before sending.
	let tooLargeAt = Number.POSITIVE_INFINITY;
	const url = connection.endpoints.batchSend;

	/**
	 * An entry is released once its item has an outcome: that frees its message for the garbage collector
	 * (100,000 items) and makes sending an item twice impossible rather than merely unlikely.
	 */
	const entryAt = (k: number): Prepared => {
		const entry = prepared[k];
		if (!entry) {
			throw new NodeOperationError(node, 'Internal error: a batch entry was used after its result (please report it)');
		}
		return entry;
	};
	const settle = (k: number, outcome: ItemOutcome) => {
		const { itemIndex } = entryAt(k);
		prepared[k] = undefined;
		if ('error' in outcome && !continueOnFail) throw outcome.error;
		outcomes[itemIndex] = outcome;
	};

	const sendHalves = async (start: number, end: number) => {
		const middle = start + Math.ceil((end - start) / 2);
		await send(start, middle);
		await send(middle, end);
	};

	const send = async (start: number, end: number): Promise<void> => {
		if (fatal) {
			for (let k = start; k < end; k++) settle(k, { error: fatal });
			return;
		}
		if (end - start > 1 && end - start >= tooLargeAt) return await sendHalves(start, end);

		const messages = new Array<BatchMessage>(end - start);
		for (let k = start; k < end; k++) messages[k - start] = entryAt(k).message;
		// Generated once, before the first attempt, so every retry of this request is byte-identical.
		const globalId = userGlobalId ?? flatten(randomUUID());
		const body: BatchRequestBody = { globalId, ...requestFields, messages };
		const request = agileRequest(this, connection, {
			method: 'POST',
			url,
			body,
			kind: 'send',
			retry,
			itemIndex: entryAt(start).itemIndex,
			passThrough: [413],
		});
		let response: AgileResponse;
		if (continueOnFail) {
			const settled = await request.then(
				(r) => ({ r }),
				(error: unknown) => ({ error }),
			);
			if ('error' in settled) {
				// Cancellation and other non-API failures end the run even with continue-on-fail.
				if (!(settled.error instanceof NodeApiError)) throw settled.error;
				if (settled.error.httpCode && FAILS_EVERY_REQUEST.has(settled.error.httpCode)) fatal ??= settled.error;
				for (let k = start; k < end; k++) settle(k, { error: settled.error });
				return;
			}
			response = settled.r;
		} else {
			response = await request;
		}

		if (response.statusCode === 413) {
			// A 413 was not accepted, so sending the halves cannot duplicate anything.
			if (end - start > 1) {
				tooLargeAt = Math.min(tooLargeAt, end - start);
				return await sendHalves(start, end);
			}
			const { itemIndex, message } = entryAt(start);
			const error = apiError(node, {
				status: 413,
				body: response.body,
				secrets: connection.secrets,
				itemIndex,
				detail: `Item ${itemIndex + 1} is too large even alone (${message.destinations.length} destinations): split its destinations over several items or shorten the text`,
			});
			return settle(start, { error });
		}

		const parsed = readBatchResponse(response.body, messages, globalId);
		for (let k = start; k < end; k++) {
			const { itemIndex, encoding, parts } = entryAt(k);
			const results = parsed.results[k - start];
			let accepted = 0;
			let rejected: DestinationResult[] | undefined;
			for (const r of results) {
				if (r.accepted === true) accepted++;
				else if (r.accepted === false) (rejected ??= []).push(r);
			}
			const json: IDataObject = {
				accepted: accepted === results.length ? true : rejected ? false : null,
				globalId: parsed.globalId,
				encoding,
				parts,
				results,
			};
			if (simulation) json.simulation = true;
			if (parsed.credit !== undefined) json.credit = parsed.credit;
			if (parsed.warning) json.warning = parsed.warning;
			settle(
				k,
				rejected ? { error: destinationRejectedError(node, itemIndex, rejected, accepted, json) } : { json },
			);
		}
	};

	const ranges = packRequests(
		prepared.map((p) => p?.message.destinations.length ?? 0),
		messagesPerRequest,
		maxDestinations,
	);
	// Without continue-on-fail a throw stops mapWithConcurrency from starting any further request.
	await mapWithConcurrency(ranges.length, concurrency, async (index) => await send(ranges[index][0], ranges[index][1]));
	return outcomes;
}
