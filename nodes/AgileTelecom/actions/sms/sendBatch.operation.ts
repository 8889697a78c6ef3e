import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import type { RefusalMode } from '../../descriptions/send';
import {
	API_DEFAULTS,
	BATCH_DEFAULTS,
	MAX_CONCURRENCY,
	hexProblem,
	messageSegmentation,
	packRequests,
	readBatchResponse,
	type BatchEncoding,
	type BatchMessage,
	type BatchRequestBody,
	type DestinationResult,
	type ParsedBatchResponse,
} from '../../helpers/batch';
import { mapWithConcurrency } from '../../helpers/concurrency';
import { RateLimiter } from '../../helpers/rateLimiter';
import { checkSchedule } from '../../helpers/dates';
import { fingerprint, IdSource } from '../../helpers/ids';
import { fieldReader, parameterReader, readField, type ItemReader } from '../../helpers/parameters';
import { fillMergeFields } from '../../helpers/placeholders';
import type { SmartEncodingReport } from '../../helpers/smartEncoding';
import { checkBody, checkDestinations, checkSender, checkUdh, invalidField, splitList } from '../../helpers/validation';
import { isToolCall } from '../../helpers/tool';
import { asText, clampInteger } from '../../helpers/values';
import { apiError, isTransientRefusal, mayHaveBeenSent, refusalError } from '../../transport/errors';
import { agileRequest, limiterPacer, type AgileResponse, type Connection } from '../../transport/request';
import { backoffDelay, type RetrySettings } from '../../transport/retry';
import { Deduplication, type KeySkip } from '../deduplication';
import { RunLedger, runScope } from '../ledger';
import { prepareItems, toItemError, type ItemOutcome, type OperationResult, type SentRecord } from '../outcome';
import { applySmartEncoding, partsProblem, readHygiene, RepeatFilter, repeatsOf, skippedJson, type Hygiene } from './hygiene';
import { SendControl } from './control';
import { asToolAnswers } from './toolAnswer';
import { BATCH_INPUT_FIELDS } from './sendBatch.description';

export { description } from './sendBatch.description';

interface BatchSettings {
	/** The request-level fields the user added, and only those. */
	requestFields: Omit<BatchRequestBody, 'globalId' | 'messages'>;
	maxIdLen: number;
	messagesPerRequest: number;
	maxDestinations: number;
	concurrency: number;
	userGlobalId?: string;
	segmentation: { enableUnicode: boolean; enableConcatenated: boolean };
	refusalMode: RefusalMode;
	retry: RetrySettings;
	timeZone: string;
	hygiene: Hygiene;
}

/** Everything that is the same for every item, read once per execution. */
function readSettings(ctx: IExecuteFunctions): BatchSettings {
	const requestOptions = ctx.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const batching = ctx.getNodeParameter('batching', 0, {}) as IDataObject;
	const maxIdLen = clampInteger(requestOptions.maxIdLen, API_DEFAULTS.maxIdLen, 1);
	const requestFields: BatchSettings['requestFields'] = {};
	if (requestOptions.maxIdLen !== undefined) requestFields.maxIdLen = maxIdLen;
	for (const key of ['enableConcatenated', 'enableUnicode', 'enableDelivery', 'simulation', 'skipRcsOverride'] as const) {
		if (requestOptions[key] !== undefined) requestFields[key] = Boolean(requestOptions[key]);
	}
	return {
		requestFields,
		maxIdLen,
		messagesPerRequest: clampInteger(batching.messagesPerRequest, BATCH_DEFAULTS.messagesPerRequest, 1),
		maxDestinations: clampInteger(batching.maxDestinationsPerRequest, BATCH_DEFAULTS.maxDestinationsPerRequest, 1),
		concurrency: clampInteger(batching.concurrency, BATCH_DEFAULTS.concurrency, 1, MAX_CONCURRENCY),
		userGlobalId: asText(requestOptions.globalId)?.trim() || undefined,
		segmentation: {
			enableUnicode: requestFields.enableUnicode ?? API_DEFAULTS.enableUnicode,
			enableConcatenated: requestFields.enableConcatenated ?? API_DEFAULTS.enableConcatenated,
		},
		refusalMode: ctx.getNodeParameter('rejectedDestinations', 0, 'fail') === 'output' ? 'output' : 'fail',
		retry: getRetrySettings(ctx),
		timeZone: ctx.getTimezone(),
		hygiene: readHygiene(ctx),
	};
}

/** A field read for one item, given that item's Message Options (read once per item). */
type OptionReader = (itemIndex: number, options: IDataObject) => unknown;

/** Where each message field comes from, and how an error names it. */
interface MessageReaders {
	destinations: ItemReader;
	sender: ItemReader;
	body: ItemReader;
	ids: OptionReader;
	scheduling: OptionReader;
	options: ItemReader;
	label: Record<'destinations' | 'sender' | 'body' | 'ids' | 'scheduling', string>;
}

function messageReaders(ctx: IExecuteFunctions, items: INodeExecutionData[]): MessageReaders {
	const options = parameterReader(ctx, 'messageOptions', {});
	const sender = parameterReader(ctx, 'sender', '');
	if (ctx.getNodeParameter('dataMode', 0, 'defineBelow') !== 'autoMapInputData') {
		return {
			destinations: parameterReader(ctx, 'destinations', ''),
			sender,
			body: parameterReader(ctx, 'body', ''),
			ids: (_i, itemOptions) => itemOptions.ids,
			scheduling: (_i, itemOptions) => itemOptions.scheduling,
			options,
			label: { destinations: 'Destinations', sender: 'Sender', body: 'Body', ids: 'IDs', scheduling: 'Scheduling' },
		};
	}
	const names = { ...BATCH_INPUT_FIELDS, ...(ctx.getNodeParameter('inputFields', 0, {}) as Partial<typeof BATCH_INPUT_FIELDS>) };
	const field = (name: string) => fieldReader(items, name);
	const senderField = field(names.senderField);
	return {
		destinations: field(names.destinationsField),
		sender: (i) => {
			const own = senderField(i);
			return own === undefined || own === null || own === '' ? sender(i) : own;
		},
		body: field(names.bodyField),
		ids: field(names.idsField),
		scheduling: field(names.schedulingField),
		options,
		label: {
			destinations: `Destinations (field "${names.destinationsField}")`,
			sender: `Sender (field "${names.senderField}" or the Sender parameter)`,
			body: `Body (field "${names.bodyField}")`,
			ids: `IDs (field "${names.idsField}")`,
			scheduling: `Scheduling (field "${names.schedulingField}")`,
		},
	};
}

/** A valid item: its message (all its destinations), and per destination the result once known. */
interface Entry {
	itemIndex: number;
	message: BatchMessage;
	/**
	 * What the message says and how it is sent, whatever its destinations (see `contentOf`); '' when nothing needs it
	 * (no ledger, not a tool): 100,000 entries may be alive at once.
	 */
	content: string;
	/** Its Deduplication Key, when the node has one. */
	key?: string;
	encoding: BatchEncoding;
	parts: number;
	/** Numbers given twice in the item, sent once (absent when none: 100,000 entries may be alive at once). */
	repeated?: string[];
	/** Numbers left out because an earlier item already sends them this text (Skip Repeated Destinations). */
	skipped?: Array<{ destination: string; sameAsItem: number }>;
	smartEncoding?: SmartEncodingReport;
	/** The past schedule the item had, when Past Schedule is Send Now and it was sent at once. */
	pastScheduleSentNow?: string;
	/** Per destination, once known; `alreadySent` marks one an earlier tool call of this execution sent. */
	results: Array<(DestinationResult & { alreadySent?: true }) | undefined>;
	/** The submission that first carried the item. */
	globalId?: string;
	/** What the answer to that submission said of the whole request. */
	answer?: Pick<ParsedBatchResponse, 'credit' | 'processedMessages' | 'processedSmsParts' | 'warning'>;
	/** A failure of a whole request that carried some of its destinations. */
	failure?: NodeApiError | NodeOperationError;
}

type Problem = { field: keyof MessageReaders['label'] | 'UDH Data' | 'Deduplication Key'; problem: string };

/**
 * The identity of a message apart from its destinations: two requests with the same content to the same number are
 * the same SMS to its reader. Everything that changes what arrives, or whether it is a real send, is in it.
 */
function contentOf(message: Omit<BatchMessage, 'destinations' | 'ids'>, settings: BatchSettings, url: string): string {
	const { sender, body, hexBody, udhData, scheduling } = message;
	return fingerprint('batch', url, sender, body, hexBody ?? null, udhData ?? null, scheduling ?? null, settings.requestFields);
}

/** The text of a message as it will be sent, with its encoding and parts, or why it cannot be sent. */
interface MessageText {
	body: string;
	hexBody: boolean;
	udhData?: string;
	encoding: BatchEncoding;
	parts: number;
	smartEncoding?: SmartEncodingReport;
}

/**
 * Validates items into Entries, in input order, one named step per concern. Nothing is sent before every item
 * passed; the run-wide checks (IDs used twice, numbers repeated across items) see the items in that order.
 */
class EntryPreparer {
	private readonly read: MessageReaders;
	private readonly owners = new Map<string, number>();
	private readonly repeats: RepeatFilter;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly items: INodeExecutionData[],
		private readonly settings: BatchSettings,
		private readonly ids: IdSource,
		private readonly url: string,
		private readonly deduplication: Deduplication | undefined,
		private readonly fingerprints: boolean,
	) {
		this.read = messageReaders(ctx, items);
		this.repeats = new RepeatFilter(settings.hygiene.skipRepeated);
	}

	prepare(i: number): Entry | NodeOperationError {
		const fail = ({ field, problem }: Problem) =>
			invalidField(this.ctx.getNode(), i, field === 'UDH Data' || field === 'Deduplication Key' ? field : this.read.label[field], problem);
		const options = this.read.options(i) as IDataObject;
		const destinations = checkDestinations(this.read.destinations(i), this.settings.hygiene.defaultCountryCode);
		if (destinations.problem !== undefined) return fail({ field: 'destinations', problem: destinations.problem });
		const { numbers, repeated, given, kept } = destinations.value;
		if (numbers.length > this.settings.maxDestinations) {
			const problem = `${numbers.length} numbers are more than Max Destinations per Request (${this.settings.maxDestinations}). Split the list over several items, or raise that setting`;
			return fail({ field: 'destinations', problem });
		}
		const sender = checkSender(this.read.sender(i));
		if (sender.problem !== undefined) return fail({ field: 'sender', problem: sender.problem });
		const text = this.text(i, options);
		if ('problem' in text) return fail(text);
		const scheduling = checkSchedule(this.read.scheduling(i, options), this.settings.timeZone, options.pastSchedule);
		if (scheduling.problem !== undefined) return fail({ field: 'scheduling', problem: scheduling.problem });
		const key = this.deduplication?.keyOf(i);
		if (key && 'problem' in key) return fail({ field: 'Deduplication Key', problem: key.problem });
		const fields: Omit<BatchMessage, 'destinations' | 'ids'> = { sender: sender.value, body: text.body };
		if (options.hexBody !== undefined) fields.hexBody = text.hexBody;
		if (text.udhData) fields.udhData = text.udhData;
		if (scheduling.value !== undefined) fields.scheduling = scheduling.value;
		const content = this.fingerprints ? contentOf(fields, this.settings, this.url) : '';
		const messageIds = this.messageIds(i, options, numbers, given, kept, content);
		if (!Array.isArray(messageIds)) return fail(messageIds);

		const skipped = repeatsOf(numbers, text.body, this.repeats);
		const send = numbers.map((_, k) => k).filter((k) => !skipped.some((s) => s.destination === numbers[k]));
		this.repeats.add(numbers, text.body, i);
		const message: BatchMessage = { destinations: send.map((k) => numbers[k]), ids: send.map((k) => messageIds[k]), ...fields };
		const { encoding, parts, smartEncoding } = text;
		const entry: Entry = { itemIndex: i, message, content, encoding, parts, results: new Array(message.destinations.length) };
		if (key) entry.key = key.key;
		if (repeated.length > 0) entry.repeated = repeated;
		if (skipped.length > 0) entry.skipped = skipped;
		if (smartEncoding) entry.smartEncoding = smartEncoding;
		if (scheduling.pastSentNow !== undefined) entry.pastScheduleSentNow = scheduling.pastSentNow;
		return entry;
	}

	/** Body (merge fields filled, smart encoding applied), UDH, encoding and parts, and the Max Parts check. */
	private text(i: number, options: IDataObject): MessageText | Problem {
		const { hygiene, segmentation } = this.settings;
		const hexBody = options.hexBody === true;
		const checked = checkBody(this.read.body(i));
		if (checked.problem !== undefined) return { field: 'body', problem: checked.problem };
		let body = checked.value;
		if (options.mergeFields === true) {
			const filled = fillMergeFields(body, (name) => readField(this.items[i].json, name));
			if (filled.missing !== undefined) {
				return { field: 'body', problem: `the item has no text field "${filled.missing}" for {${filled.missing}} (Merge Fields is on)` };
			}
			const merged = checkBody(filled.text);
			if (merged.problem !== undefined) return { field: 'body', problem: `${merged.problem} once its merge fields are filled` };
			body = merged.value;
		}
		const udh = checkUdh(options.udhData);
		if (udh.problem !== undefined) return { field: 'UDH Data', problem: udh.problem };
		const { udhData } = udh.value;
		const segment = { udhOctets: udh.value.udhOctets };
		if (hexBody) {
			const problem = hexProblem(body);
			if (problem) return { field: 'body', problem: `with Hex Body on, ${problem}` };
		}
		const smart = hexBody ? { text: body } : applySmartEncoding(body, hygiene, segment);
		const { encoding, parts } = messageSegmentation(smart.text, { hexBody, ...segmentation, ...segment });
		const tooMany = partsProblem(parts, encoding, hygiene);
		if (tooMany) return { field: 'body', problem: tooMany };
		return { body: smart.text, hexBody, udhData, encoding, parts, smartEncoding: smart.report };
	}

	/**
	 * The user's IDs (one per destination as given, unique in the run), or IDs derived from the run: from the item
	 * and number in a workflow, from the SMS itself as a tool (whose every try and call is item 1 of a new run).
	 */
	private messageIds(i: number, options: IDataObject, numbers: string[], given: number, kept: number[], content: string): string[] | Problem {
		const givenIds = splitList(this.read.ids(i, options));
		const { maxIdLen } = this.settings;
		if (givenIds.length === 0) {
			return numbers.map((n) => (this.ids.tool ? this.ids.id(maxIdLen, 'sms', n, content) : this.ids.id(maxIdLen, 'item', i, n)));
		}
		if (givenIds.length !== given) {
			return { field: 'ids', problem: `${givenIds.length} IDs for ${given} destinations; give exactly one ID per destination, in the same order` };
		}
		const messageIds = kept.map((k) => givenIds[k]);
		for (const id of messageIds) {
			if (id.length > maxIdLen) return { field: 'ids', problem: `"${id}" is longer than Max ID Length (${maxIdLen} characters)` };
			const owner = this.owners.get(id);
			if (owner !== undefined) {
				const whose = owner === i ? 'another destination of this item' : `item ${owner + 1}`;
				return { field: 'ids', problem: `"${id}" is already the ID of ${whose}; every SMS needs its own ID` };
			}
			this.owners.set(id, i);
		}
		return messageIds;
	}
}

/** The destinations of one entry that go into one request, by position in the entry's message. */
interface Slice {
	entry: Entry;
	indices: number[];
}

/** What the item says as output, built from the per-destination results once all are known. */
function outputJson(entry: Entry, simulation: boolean): IDataObject {
	const results = entry.results as DestinationResult[];
	const verdict = results.every((r) => r.accepted === true) ? true : results.some((r) => r.accepted === false) ? false : null;
	const json: IDataObject = {
		accepted: verdict,
		globalId: entry.globalId ?? null,
		encoding: entry.encoding,
		parts: entry.parts,
		results,
	};
	if (simulation) json.simulation = true;
	if (entry.repeated) json.repeatedDestinations = entry.repeated;
	if (entry.skipped) json.skippedDestinations = entry.skipped;
	if (entry.smartEncoding) json.smartEncoding = entry.smartEncoding as unknown as IDataObject;
	if (entry.message.scheduling !== undefined) json.scheduling = entry.message.scheduling;
	if (entry.pastScheduleSentNow !== undefined) json.pastScheduleSentNow = entry.pastScheduleSentNow;
	const answer = entry.answer ?? {};
	for (const key of ['credit', 'processedMessages', 'processedSmsParts', 'warning'] as const) {
		if (answer[key] !== undefined) json[key] = answer[key];
	}
	return json;
}

/**
 * The sending step: sends planned requests with bounded concurrency, splits a request on 413, resends destinations
 * refused for a transient reason (per-destination 429/5xx) with their same ids, and turns every item's results into
 * its outcome as soon as they are all known. Without continue-on-fail it stops starting requests at the first
 * failed item; requests already in flight finish, so what they sent is on record.
 */
class BatchSender {
	readonly outcomes: Array<ItemOutcome | undefined>;
	readonly control: SendControl;
	/** Smallest message count that got a 413: later requests that large are halved before sending. */
	private tooLargeAt = Number.POSITIVE_INFINITY;
	private readonly pauses: RateLimiter;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: Connection,
		private readonly settings: BatchSettings,
		private readonly ids: IdSource,
		private readonly ledger: RunLedger | undefined,
		outcomes: Array<ItemOutcome | undefined>,
		private readonly entryCount: number,
	) {
		this.outcomes = outcomes;
		this.control = new SendControl(ctx);
		// No rate ceiling, only the pause every request shares after a 429 (and no pause past Max Delay).
		this.pauses = new RateLimiter({ ratePerSecond: 0, maxWait: settings.retry.maxDelay, signal: this.control.signal });
	}

	/**
	 * Sends every request; each is let go once sent, so its items' messages can be freed while the run goes on.
	 * `known` are items an earlier try already sent in full (to every destination, under other items' requests).
	 */
	async run(requests: Array<Slice[] | undefined>, known: Entry[]): Promise<void> {
		for (const entry of known) this.settle(entry);
		await mapWithConcurrency(requests.length, this.settings.concurrency, async (k) => {
			const request = requests[k];
			requests[k] = undefined;
			if (request) await this.send(request, 0);
		});
	}

	/** Never the same globalId twice (JSend code 20): a user's one is kept only for a run sent as one request. */
	private globalIdFor(request: Slice[], round: number): string {
		const first = request[0].entry.itemIndex;
		const last = request[request.length - 1].entry.itemIndex;
		const { userGlobalId } = this.settings;
		// As a tool every call is item 1: what the request carries tells two calls' requests apart.
		const carried = this.ids.tool ? [fingerprint(request.map(sliceMessage).map((m) => m.ids))] : [];
		if (userGlobalId === undefined) return this.ids.uuid('request', first, last, round, ...carried);
		const whole = round === 0 && request.length === this.entryCount && request.every((s) => s.indices.length === s.entry.message.destinations.length);
		return whole ? userGlobalId : `${userGlobalId}-${first + 1}-${last + 1}${round > 0 ? `-r${round}` : ''}`;
	}

	private async send(request: Slice[], round: number): Promise<void> {
		if (this.control.stopped) return;
		const fatal = this.control.failsEvery;
		if (fatal) return this.failRequest(request, fatal);
		if (request.length > 1 && request.length >= this.tooLargeAt) return await this.sendHalves(request, round);

		const messages = request.map(sliceMessage);
		const globalId = this.globalIdFor(request, round);
		const body: BatchRequestBody = { globalId, ...this.settings.requestFields, messages };
		const answer = await agileRequest(this.ctx, this.connection, {
			method: 'POST',
			url: this.connection.endpoints.batchSend,
			body,
			kind: 'send',
			retry: this.settings.retry,
			itemIndex: request[0].entry.itemIndex,
			passThrough: [413],
			pacer: limiterPacer(this.ctx, this.pauses, request[0].entry.itemIndex),
		}).then(
			(response): AgileResponse => response,
			(error: unknown) => toItemError(this.ctx.getNode(), error, request[0].entry.itemIndex),
		);
		if (answer instanceof NodeApiError || answer instanceof NodeOperationError) return this.failRequest(request, answer);
		if (answer.statusCode === 413) return await this.tooLarge(request, round, answer);

		const parsed = readBatchResponse(answer.body, messages, globalId);
		const transient: Slice[] = [];
		request.forEach((slice, k) => {
			const retry: number[] = [];
			slice.indices.forEach((index, d) => {
				const result = parsed.results[k][d];
				if (round > 0 && result.globalId === undefined && parsed.globalId !== slice.entry.globalId) result.globalId = parsed.globalId;
				slice.entry.results[index] = result;
				if (result.accepted === false && isTransientRefusal(result.statusCode)) retry.push(index);
			});
			if (slice.entry.globalId === undefined) {
				slice.entry.globalId = parsed.globalId;
				slice.entry.answer = { credit: parsed.credit, processedMessages: parsed.processedMessages, processedSmsParts: parsed.processedSmsParts, warning: parsed.warning };
			}
			if (retry.length > 0) transient.push({ entry: slice.entry, indices: retry });
		});
		if (transient.length > 0) await this.resend(transient, round);
		for (const slice of request) this.settle(slice.entry);
	}

	/**
	 * Destinations refused inside a 2xx for a reason the documentation calls "not accepted, send again" (429, 5xx)
	 * are sent again, with their same ids, as long as the Retry settings allow; the others never are.
	 */
	private async resend(slices: Slice[], round: number): Promise<void> {
		const { retry } = this.settings;
		const throttled = slices.some((s) => s.indices.some((i) => s.entry.results[i]?.statusCode === 429));
		if (this.control.stopped || round >= retry.maxRetries || (throttled && !retry.retryOnRateLimit)) return;
		try {
			await sleep(backoffDelay(round + 1, retry), this.control.signal);
		} catch {
			this.control.cancelled(new NodeOperationError(this.ctx.getNode(), 'The execution was cancelled while waiting to resend refused destinations'));
			return;
		}
		await this.send(slices, round + 1);
	}

	private async sendHalves(request: Slice[], round: number): Promise<void> {
		const middle = Math.ceil(request.length / 2);
		await this.send(request.slice(0, middle), round);
		await this.send(request.slice(middle), round);
	}

	/** A 413 was not accepted, so sending the halves cannot duplicate anything. */
	private async tooLarge(request: Slice[], round: number, answer: AgileResponse): Promise<void> {
		if (request.length > 1) {
			this.tooLargeAt = Math.min(this.tooLargeAt, request.length);
			return await this.sendHalves(request, round);
		}
		const { entry } = request[0];
		this.failRequest(
			request,
			apiError(this.ctx.getNode(), {
				status: 413,
				body: answer.body,
				secrets: this.connection.secrets,
				itemIndex: entry.itemIndex,
				detail: `Item ${entry.itemIndex + 1} is too large even alone (${entry.message.destinations.length} destinations): split its destinations over several items or shorten the text`,
			}),
		);
	}

	/**
	 * A whole request failed. If it may have gone through (5xx, timeout, a cancel in flight), its destinations are
	 * unknown, on record, and never sent again; otherwise they were not sent, and a later try may send them.
	 */
	private failRequest(request: Slice[], error: NodeApiError | NodeOperationError): void {
		const unknown = mayHaveBeenSent(error);
		this.control.requestFailed(error);
		const reason = error instanceof NodeApiError && error.httpCode ? (/^\d+$/.test(error.httpCode) ? `HTTP ${error.httpCode}` : error.httpCode) : 'cancelled';
		const status = `${unknown ? 'unknown' : 'not sent'}: ${reason} (see the error)`;
		for (const { entry, indices } of request) {
			for (const index of indices) {
				// A destination refused by an earlier round keeps that answer when its resend provably sent nothing.
				if (!unknown && entry.results[index] !== undefined) continue;
				const destination = entry.message.destinations[index];
				entry.results[index] = { destination, id: entry.message.ids[index], accepted: unknown ? null : false, statusCode: null, status };
			}
			entry.failure ??= error;
			this.settle(entry);
		}
	}

	/** Turns an entry whose destinations all have a result into its outcome, once, and keeps it on record. */
	private settle(entry: Entry): void {
		if (this.outcomes[entry.itemIndex] !== undefined || entry.results.some((r) => r === undefined)) return;
		const results = entry.results as DestinationResult[];
		const json = outputJson(entry, this.settings.requestFields.simulation === true);
		// The output's own results are the record: no second object per destination (100,000 of them in memory).
		const sent: SentRecord = { messages: results, globalId: entry.globalId };
		const accepted = results.filter((r) => r.accepted === true).length;
		// Refused by the server itself, as opposed to never sent because the request failed.
		const refused = results.filter((r) => r.accepted === false && r.statusCode !== null);
		let outcome: ItemOutcome;
		if (entry.failure && refused.length === 0) {
			outcome = { error: entry.failure, details: json, sent };
		} else if (refused.length > 0 && this.settings.refusalMode === 'fail') {
			const refusals = refused.map((r) => ({ destination: r.destination, statusCode: r.statusCode }));
			outcome = { error: refusalError(this.ctx.getNode(), entry.itemIndex, refusals, accepted, json), sent };
		} else {
			outcome = { json, sent };
		}
		this.outcomes[entry.itemIndex] = outcome;
		if (this.ledger) {
			const settled = results
				.filter((r) => r.accepted !== false)
				.map((r) => [fingerprint(entry.content, r.destination), { ...r, globalId: r.globalId ?? entry.globalId }] as const);
			this.ledger.record(entry.itemIndex, itemFingerprint(entry), outcome, settled);
		}
		this.control.settled(outcome);
	}
}

function sliceMessage({ entry, indices }: Slice): BatchMessage {
	const { message } = entry;
	if (indices.length === message.destinations.length) return message;
	return { ...message, destinations: indices.map((i) => message.destinations[i]), ids: indices.map((i) => message.ids[i]) };
}

/** The identity of what a whole item asks for: its content to exactly its destinations. */
function itemFingerprint(entry: Entry): string {
	return fingerprint(entry.content, entry.message.destinations);
}

/**
 * Takes over what an earlier try of this run (n8n's Retry On Fail, an agent's retry or second call) already settled
 * for the very same SMS: an item that asks for exactly what an earlier try sent is not sent again and repeats that
 * outcome; otherwise each destination already accepted (or unknown) keeps that result and only the others are sent.
 * Returns the destinations still to send per entry, and whether the ledger knew anything of it.
 */
function applyLedger(entries: Entry[], ledger: RunLedger | undefined, outcomes: Array<ItemOutcome | undefined>): Array<Slice & { known: boolean }> {
	if (!ledger) return entries.map((entry) => ({ entry, indices: entry.message.destinations.map((_, index) => index), known: false }));
	const pending: Array<Slice & { known: boolean }> = [];
	for (const entry of entries) {
		const indices: number[] = [];
		entry.message.destinations.forEach((destination, index) => {
			const result = ledger.settled(entry.itemIndex, fingerprint(entry.content, destination)) as DestinationResult | undefined;
			if (!result) indices.push(index);
			else entry.results[index] = ledger.tool ? { ...result, alreadySent: true } : result;
		});
		const earlier = indices.length === 0 ? ledger.outcome(entry.itemIndex, itemFingerprint(entry)) : undefined;
		if (earlier) outcomes[entry.itemIndex] = ledger.repeat(earlier);
		else pending.push({ entry, indices, known: indices.length < entry.message.destinations.length });
	}
	return pending;
}

/** The planning step: the destinations still to send, packed in input order into requests. */
function planRequests(pending: Slice[], settings: BatchSettings): Array<Slice[] | undefined> {
	const ranges = packRequests(
		pending.map((slice) => slice.indices.length),
		settings.messagesPerRequest,
		settings.maxDestinations,
	);
	return ranges.map(([start, end]) => pending.slice(start, end));
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<OperationResult> {
	const settings = readSettings(this);
	const scope = runScope(this);
	const ids = new IdSource(scope, isToolCall(this));
	const ledger = RunLedger.open(this, scope);
	const deduplication = Deduplication.open(this);
	const preparer = new EntryPreparer(this, items, settings, ids, connection.endpoints.batchSend, deduplication, ledger !== undefined || ids.tool);
	const { valid, outcomes } = prepareItems(this, items.length, (i) => preparer.prepare(i));
	const entries: Entry[] = [];
	for (const { itemIndex, value } of valid) {
		// Skip Repeated Destinations left nothing to send: the item says so instead.
		if (value.message.destinations.length === 0) outcomes[itemIndex] = { json: skippedJson(value.skipped ?? []) };
		else entries.push(value);
	}
	const pending = applyLedger(entries, ledger, outcomes);
	const { toSend, claimed } = await claimKeys(deduplication, pending, outcomes);
	const sender = new BatchSender(this, connection, settings, ids, ledger, outcomes, entries.length);
	// Only the requests keep the entries from here on, so each entry can be freed once its request is sent.
	await sender.run(
		planRequests(toSend.filter((slice) => slice.indices.length > 0), settings),
		toSend.filter((slice) => slice.indices.length === 0).map((slice) => slice.entry),
	);
	await deduplication?.release(claimed, sender.outcomes);
	return { outcomes: asToolAnswers(this, sender.outcomes), halt: sender.control.halt };
}

/**
 * Records the Deduplication Keys of the items about to be sent, except those an earlier try of this run already
 * sent from (their keys are this run's own). Items whose key is taken are skipped, with the reason as output.
 */
async function claimKeys(
	deduplication: Deduplication | undefined,
	pending: Array<Slice & { known: boolean }>,
	outcomes: Array<ItemOutcome | undefined>,
): Promise<{ toSend: Slice[]; claimed: Array<{ itemIndex: number; key: string }> }> {
	if (!deduplication) return { toSend: pending, claimed: [] };
	const candidates = pending.filter((s) => !s.known && s.entry.key !== undefined).map((s) => ({ itemIndex: s.entry.itemIndex, key: s.entry.key as string }));
	const skips: Map<number, KeySkip> = await deduplication.claim(candidates);
	for (const [itemIndex, skip] of skips) outcomes[itemIndex] = { json: skip };
	return {
		toSend: pending.filter((s) => !skips.has(s.entry.itemIndex)),
		claimed: candidates.filter((c) => !skips.has(c.itemIndex)),
	};
}
