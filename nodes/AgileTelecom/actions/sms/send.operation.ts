import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import type { RefusalMode } from '../../descriptions/send';
import { mapWithConcurrency } from '../../helpers/concurrency';
import { checkSchedule } from '../../helpers/dates';
import { segmentSms, udhOctets } from '../../helpers/encoding';
import { fingerprint, IdSource } from '../../helpers/ids';
import { fieldReader, parameterReader, readField, type ItemReader } from '../../helpers/parameters';
import { fillMergeFields, fillPlaceholders } from '../../helpers/placeholders';
import { readQlaraResponse, reasonText, refusalCode, type QlaraResult, type QlaraSendBody, type QlaraSendResponse } from '../../helpers/qlara';
import { RateLimiter } from '../../helpers/rateLimiter';
import type { SmartEncodingReport } from '../../helpers/smartEncoding';
import { checkBody, checkDestinations, checkSender, checkUdh, invalidField } from '../../helpers/validation';
import { isToolCall } from '../../helpers/tool';
import { asText, clampInteger, isObject } from '../../helpers/values';
import { isTransientRefusal, mayHaveBeenSent, redactDeep, refusalError } from '../../transport/errors';
import { agileRequest, limiterPacer, requireQlara, type AgileResponse, type Connection } from '../../transport/request';
import { backoffDelay, type RetrySettings } from '../../transport/retry';
import { Deduplication } from '../deduplication';
import { RunLedger, runScope } from '../ledger';
import { prepareItems, toItemError, type ItemOutcome, type OperationResult } from '../outcome';
import { applySmartEncoding, partsProblem, readHygiene, RepeatFilter, skippedJson, type Hygiene } from './hygiene';
import { SendControl } from './control';
import { asToolAnswers } from './toolAnswer';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_REQUESTS_PER_SECOND, QLARA_INPUT_FIELDS } from './send.description';

export { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_REQUESTS_PER_SECOND, description } from './send.description';

const CAMPAIGN_ID_MAX = 255;

interface SendSettings {
	concurrency: number;
	ratePerSecond: number;
	refusalMode: RefusalMode;
	retry: RetrySettings;
	timeZone: string;
	hygiene: Hygiene;
}

function readSettings(ctx: IExecuteFunctions): SendSettings {
	const throughput = ctx.getNodeParameter('throughput', 0, {}) as IDataObject;
	const rate = Number(throughput.maxRequestsPerSecond ?? DEFAULT_MAX_REQUESTS_PER_SECOND);
	return {
		concurrency: clampInteger(throughput.maxConcurrency, DEFAULT_MAX_CONCURRENCY, 1, 100),
		ratePerSecond: Number.isFinite(rate) && rate > 0 ? rate : DEFAULT_MAX_REQUESTS_PER_SECOND,
		refusalMode: ctx.getNodeParameter('rejectedDestinations', 0, 'fail') === 'output' ? 'output' : 'fail',
		retry: getRetrySettings(ctx),
		timeZone: ctx.getTimezone(),
		hygiene: readHygiene(ctx),
	};
}

type Field = 'destination' | 'sender' | 'body' | 'messageId' | 'campaignId' | 'scheduledDate' | 'placeholders';

/** A field read for one item, given that item's Options (read once per item). */
type FieldReader = (itemIndex: number, options: IDataObject) => unknown;

/** Where each field of the SMS comes from, and how an error names it. */
interface SmsReaders {
	read: Record<Field, FieldReader>;
	label: Record<Field, string>;
	options: ItemReader;
}

const LABELS: Record<Field, string> = {
	destination: 'Destination',
	sender: 'Sender',
	body: 'Body',
	messageId: 'Message ID',
	campaignId: 'Campaign ID',
	scheduledDate: 'Scheduled Date',
	placeholders: 'Placeholders',
};

function smsReaders(ctx: IExecuteFunctions, items: INodeExecutionData[]): SmsReaders {
	const options = parameterReader(ctx, 'options', {});
	const sender = parameterReader(ctx, 'sender', '');
	const option = (name: string): FieldReader => (_i, itemOptions) => itemOptions[name];
	if (ctx.getNodeParameter('dataMode', 0, 'defineBelow') !== 'autoMapInputData') {
		const read = {
			destination: parameterReader(ctx, 'destination', ''),
			sender,
			body: parameterReader(ctx, 'body', ''),
			messageId: option('messageId'),
			campaignId: option('campaignId'),
			scheduledDate: option('scheduledDate'),
			placeholders: (_i: number, itemOptions: IDataObject) => (itemOptions.placeholders as { placeholder?: unknown } | undefined)?.placeholder,
		};
		return { read, label: LABELS, options };
	}
	const names = { ...QLARA_INPUT_FIELDS, ...(ctx.getNodeParameter('inputFields', 0, {}) as Partial<typeof QLARA_INPUT_FIELDS>) };
	const field = (name: Field) => fieldReader(items, names[`${name}Field`]);
	const senderField = field('sender');
	const read = {
		destination: field('destination'),
		sender: (i: number) => {
			const own = senderField(i);
			return own === undefined || own === null || own === '' ? sender(i) : own;
		},
		body: field('body'),
		messageId: field('messageId'),
		campaignId: field('campaignId'),
		scheduledDate: field('scheduledDate'),
		placeholders: field('placeholders'),
	};
	const label = Object.fromEntries(
		(Object.keys(LABELS) as Field[]).map((key) => [key, `${LABELS[key]} (field "${names[`${key}Field`]}")`]),
	) as Record<Field, string>;
	return { read, label, options };
}

/**
 * Placeholders as name → text: the option's list of { name, value } pairs, or a mapped field's object. Names are
 * what Qlara fills in the body (`{name}`), so only letters, digits and _.
 */
function placeholderValues(value: unknown): { values: Record<string, string> } | { problem: string } {
	const pairs = Array.isArray(value)
		? (value as Array<{ name?: unknown; value?: unknown }>).map((p) => [asText(p?.name)?.trim() ?? '', p?.value] as const)
		: isObject(value)
			? Object.entries(value)
			: [];
	if (value !== undefined && value !== null && value !== '' && !Array.isArray(value) && !isObject(value)) {
		return { problem: 'must be an object of names and values' };
	}
	const values: Record<string, string> = {};
	for (const [name, raw] of pairs) {
		if (!name) return { problem: 'a placeholder has no name' };
		if (!/^\w+$/.test(name)) return { problem: `"${name}" may contain only letters, digits and _ (it is written {${name}} in the body)` };
		if (Object.prototype.hasOwnProperty.call(values, name)) return { problem: `"${name}" is given twice` };
		values[name] = raw === undefined || raw === null ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
	}
	return { values };
}

/** A valid item: the exact body to send, and the text as the handset will show it (for the parts count). */
interface Prepared {
	itemIndex: number;
	body: QlaraSendBody;
	/** What this SMS is: everything in its body but the message id, and where it goes (see `prepare`). */
	fingerprint: string;
	/** Its Deduplication Key, when the node has one. */
	key?: string;
	finalText: string;
	warnings: string[];
	smartEncoding?: SmartEncodingReport;
	/** The past schedule the item had, when Past Schedule is Send Now and it was sent at once. */
	pastScheduleSentNow?: string;
	/** Set when Skip Repeated Destinations leaves this item out: the item that already sends the same text. */
	sameAsItem?: number;
}

type Problem = { field: Field | 'udhData' | 'deduplicationKey'; problem: string };

/**
 * Validates items into the request bodies they will send, in input order, one named step per concern. Nothing is
 * sent before every item passed; the run-wide checks (message IDs used twice, repeated numbers) see the items in
 * that order.
 */
class ItemPreparer {
	private readonly readers: SmsReaders;
	private readonly owners = new Map<string, number>();
	private readonly repeats: RepeatFilter;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly items: INodeExecutionData[],
		private readonly settings: SendSettings,
		private readonly ids: IdSource,
		private readonly url: string,
		private readonly deduplication: Deduplication | undefined,
	) {
		this.readers = smsReaders(ctx, items);
		this.repeats = new RepeatFilter(settings.hygiene.skipRepeated);
	}

	prepare(i: number): Prepared | NodeOperationError {
		const { read, label } = this.readers;
		const special = { udhData: 'UDH Data', deduplicationKey: 'Deduplication Key' } as const;
		const fail = ({ field, problem }: Problem) =>
			invalidField(this.ctx.getNode(), i, field === 'udhData' || field === 'deduplicationKey' ? special[field] : label[field], problem);
		const opts = this.readers.options(i) as IDataObject;
		const destination = checkDestinations(read.destination(i, opts), this.settings.hygiene.defaultCountryCode);
		if (destination.problem !== undefined) return fail({ field: 'destination', problem: destination.problem });
		if (destination.value.given > 1) return fail({ field: 'destination', problem: 'one number per item (use Send Batch for lists)' });
		const [number] = destination.value.numbers;
		const sender = checkSender(read.sender(i, opts));
		if (sender.problem !== undefined) return fail({ field: 'sender', problem: sender.problem });

		const body: QlaraSendBody = { destination: number, sender: sender.value, body: '', messageId: '' };
		const text = this.text(i, opts, body);
		if ('problem' in text) return fail(text);
		const completed = completeBody(body, i, opts, read, this.settings.timeZone);
		if ('problem' in completed) return fail(completed);
		const key = this.deduplication?.keyOf(i);
		if (key && 'problem' in key) return fail({ field: 'deduplicationKey', problem: key.problem });
		// The body without its id is what the SMS is; as a tool (every try and call is item 1 of a new run) the
		// derived id comes from it, in a workflow from the item and number.
		const smsFingerprint = fingerprint('qlara', this.url, body);
		const messageId = asText(read.messageId(i, opts))?.trim() || (this.ids.tool ? this.ids.uuid('sms', smsFingerprint) : this.ids.uuid('item', i, number));
		const owner = this.owners.get(messageId);
		if (owner !== undefined) return fail({ field: 'messageId', problem: `"${messageId}" is already the ID of item ${owner + 1}; every SMS needs its own ID` });
		this.owners.set(messageId, i);
		body.messageId = messageId;
		const sameAsItem = this.repeats.earlier(number, text.finalText);
		this.repeats.add([number], text.finalText, i);
		const prepared: Prepared = { itemIndex: i, body, fingerprint: smsFingerprint, ...(key ? { key: key.key } : {}), ...text, ...(sameAsItem !== undefined ? { sameAsItem } : {}) };
		if (completed.pastSentNow !== undefined) prepared.pastScheduleSentNow = completed.pastSentNow;
		return prepared;
	}

	/**
	 * The body and placeholders to send, and the text the handset will show: merge fields filled here, or
	 * placeholders left to Qlara; then Smart Encoding and the Max Parts check on that final text.
	 */
	private text(i: number, opts: IDataObject, body: QlaraSendBody): Pick<Prepared, 'finalText' | 'warnings' | 'smartEncoding'> | Problem {
		const { read } = this.readers;
		const checked = checkBody(read.body(i, opts));
		if (checked.problem !== undefined) return { field: 'body', problem: checked.problem };
		const placeholders = placeholderValues(read.placeholders(i, opts));
		if ('problem' in placeholders) return { field: 'placeholders', problem: placeholders.problem };
		const { values } = placeholders;
		let finalText: string;
		let warnings: string[] = [];
		if (opts.mergeFields === true) {
			// Filled here, not by Qlara: the SMS leaves fully written, so a missing value fails before sending and
			// the parts are counted on the real text, exactly as Send Batch does.
			const filled = fillMergeFields(checked.value, (name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : readField(this.items[i].json, name)));
			if (filled.missing !== undefined) {
				return { field: 'body', problem: `the item has no text field "${filled.missing}" for {${filled.missing}} (Merge Fields is on)` };
			}
			body.body = finalText = filled.text;
		} else {
			const filled = fillPlaceholders(checked.value, values);
			body.body = checked.value;
			if (Object.keys(values).length > 0) body.placeholders = values;
			finalText = filled.text;
			warnings = filled.missing.map((name) => `The body uses {${name}} but no placeholder "${name}" is given: it is sent as written`);
		}
		const udh = checkUdh(opts.udhData);
		if (udh.problem !== undefined) return { field: 'udhData', problem: udh.problem };
		if (udh.value.udhData) body.udhData = udh.value.udhData;
		const segment = { udhOctets: udh.value.udhOctets };
		const smart = applySmartEncoding(finalText, this.settings.hygiene, segment);
		if (smart.text !== finalText) {
			// Smart Encoding works on the text the handset shows, so it is sent written out, without placeholders.
			body.body = finalText = smart.text;
			delete body.placeholders;
		}
		const { encoding, parts } = segmentSms(finalText, segment);
		const tooMany = partsProblem(parts, encoding, this.settings.hygiene);
		if (tooMany) return { field: 'body', problem: tooMany };
		return { finalText, warnings, smartEncoding: smart.report };
	}
}

/** The optional fields of the body; returns the first that is wrong, or the past schedule sent now instead. */
function completeBody(
	body: QlaraSendBody,
	i: number,
	opts: IDataObject,
	read: Record<Field, FieldReader>,
	timeZone: string,
): Problem | { pastSentNow?: string } {
	const campaignId = asText(read.campaignId(i, opts))?.trim();
	if (campaignId && campaignId.length > CAMPAIGN_ID_MAX) {
		return { field: 'campaignId', problem: `has ${campaignId.length} characters; at most ${CAMPAIGN_ID_MAX} are allowed` };
	}
	if (campaignId) body.campaignId = campaignId;
	const scheduled = checkSchedule(read.scheduledDate(i, opts), timeZone, opts.pastSchedule);
	if (scheduled.problem !== undefined) return { field: 'scheduledDate', problem: scheduled.problem };
	if (scheduled.value !== undefined) body.scheduledDate = scheduled.value;
	for (const flag of ['simulation', 'enableNotification', 'skipRcsOverride'] as const) {
		if (opts[flag] !== undefined) body[flag] = Boolean(opts[flag]);
	}
	return { pastSentNow: scheduled.pastSentNow };
}

function outputJson(item: Prepared, result: QlaraResult, response: unknown): IDataObject {
	const { body } = item;
	const sent = response as QlaraSendResponse | undefined;
	const segmentation = segmentSms(item.finalText, { udhOctets: body.udhData ? udhOctets(body.udhData) : 0 });
	const json: IDataObject = {
		messageId: body.messageId,
		destination: body.destination,
		accepted: result.accepted,
		simulation: typeof sent?.simulation === 'boolean' ? sent.simulation : body.simulation === true,
		encoding: segmentation.encoding,
		parts: segmentation.parts,
	};
	if (segmentation.nonGsmCharacters.length > 0) json.nonGsmCharacters = segmentation.nonGsmCharacters;
	if (result.unicode !== undefined) json.serverEncoding = result.unicode ? 'UCS-2' : 'GSM-7';
	if (result.parts !== undefined) json.serverParts = result.parts;
	if (result.channel !== undefined) json.channel = result.channel;
	if (result.statusCode !== undefined) json.statusCode = result.statusCode;
	if (result.accepted === false) json.reasons = result.reasons.map(reasonText);
	// The quick-start shape returns the platform's own id next to ours (customerMessageId); keep both.
	if (typeof sent?.messageId === 'string' && sent.messageId !== body.messageId) json.providerMessageId = sent.messageId;
	if (body.campaignId !== undefined) json.campaignId = body.campaignId;
	if (body.scheduledDate !== undefined) json.scheduledDate = body.scheduledDate;
	if (item.pastScheduleSentNow !== undefined) json.pastScheduleSentNow = item.pastScheduleSentNow;
	if (item.smartEncoding) json.smartEncoding = item.smartEncoding as unknown as IDataObject;
	const warnings = [...item.warnings, ...(result.warning ? [result.warning] : [])];
	if (warnings.length > 0) json.warnings = warnings;
	return json;
}

/**
 * The sending step: one request per item, at most `concurrency` in flight and `ratePerSecond` started, each SMS with
 * its message id fixed before the first attempt. A refusal the documentation calls transient (429, 5xx inside the
 * answer) is sent again with the same body; the rest is final. Without continue-on-fail it stops starting requests at
 * the first failed item; those in flight finish, so what they sent is on record.
 */
class QlaraSender {
	readonly control: SendControl;
	private readonly limiter: RateLimiter;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly connection: Connection,
		private readonly settings: SendSettings,
		private readonly ledger: RunLedger | undefined,
		readonly outcomes: Array<ItemOutcome | undefined>,
	) {
		this.control = new SendControl(ctx);
		this.limiter = new RateLimiter({ ratePerSecond: settings.ratePerSecond, maxWait: settings.retry.maxDelay, signal: this.control.signal });
	}

	async run(items: Prepared[]): Promise<void> {
		await mapWithConcurrency(items.length, this.settings.concurrency, async (k) => {
			if (this.control.stopped) return;
			const item = items[k];
			const outcome = await this.sendItem(item);
			this.outcomes[item.itemIndex] = outcome;
			this.ledger?.record(item.itemIndex, item.fingerprint, outcome);
			this.control.settled(outcome);
		});
	}

	private async sendItem(item: Prepared): Promise<ItemOutcome> {
		const { itemIndex, body } = item;
		const sent = (accepted: boolean | null) => ({ messages: [{ destination: body.destination, id: body.messageId, accepted }] });
		for (let round = 0; ; round++) {
			const answer = this.control.failsEvery ?? (await this.request(item));
			if (answer instanceof NodeApiError || answer instanceof NodeOperationError) {
				this.control.requestFailed(answer);
				return { error: answer, sent: sent(mayHaveBeenSent(answer) ? null : false) };
			}
			const result = readQlaraResponse(answer.body);
			const code = result.accepted === false ? refusalCode(result) : null;
			if (code !== null && isTransientRefusal(code) && (await this.mayResend(round, code))) continue;
			const json = outputJson(item, result, redactDeep(answer.body, this.connection.secrets));
			if (result.accepted !== false || this.settings.refusalMode === 'output') return { json, sent: sent(result.accepted) };
			const reasons = result.reasons.map(reasonText);
			const refusal = { destination: body.destination, statusCode: code, reason: reasons.length ? reasons.join('; ') : undefined };
			const error = refusalError(this.ctx.getNode(), itemIndex, [refusal], 0, json);
			error.description = `${error.description ?? ''} Message ID ${body.messageId}.`;
			return { error, sent: sent(false) };
		}
	}

	private async request(item: Prepared): Promise<AgileResponse | NodeApiError | NodeOperationError> {
		return await agileRequest(this.ctx, this.connection, {
			method: 'POST',
			url: this.connection.endpoints.qlaraSend,
			body: item.body,
			kind: 'send',
			retry: this.settings.retry,
			itemIndex: item.itemIndex,
			pacer: limiterPacer(this.ctx, this.limiter, item.itemIndex),
		}).then(
			(response): AgileResponse => response,
			(error: unknown) => toItemError(this.ctx.getNode(), error, item.itemIndex),
		);
	}

	/** Waits before resending a transiently refused SMS, when the Retry settings allow one more attempt. */
	private async mayResend(round: number, code: number): Promise<boolean> {
		const { retry } = this.settings;
		if (this.control.stopped || round >= retry.maxRetries || (code === 429 && !retry.retryOnRateLimit)) return false;
		const delay = backoffDelay(round + 1, retry);
		if (code === 429) this.limiter.pause(delay);
		try {
			await sleep(delay, this.control.signal);
			return true;
		} catch {
			return false;
		}
	}
}

/**
 * One request per item. Everything is validated before the first request; message ids are fixed before the first
 * attempt (derived from the run, so a Retry On Fail try reuses them too); an SMS an earlier try of this run already
 * sent is not sent again (its recorded outcome is repeated), nor one whose Deduplication Key an earlier execution
 * recorded.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<OperationResult> {
	requireQlara(this, connection, 'Send (Qlara)');
	const settings = readSettings(this);
	const scope = runScope(this);
	const deduplication = Deduplication.open(this);
	const preparer = new ItemPreparer(this, items, settings, new IdSource(scope, isToolCall(this)), connection.endpoints.qlaraSend, deduplication);
	const { valid, outcomes } = prepareItems(this, items.length, (i) => preparer.prepare(i));
	const ledger = RunLedger.open(this, scope);
	const candidates: Prepared[] = [];
	for (const { itemIndex, value } of valid) {
		const earlier = ledger?.outcome(itemIndex, value.fingerprint);
		if (value.sameAsItem !== undefined) {
			outcomes[itemIndex] = { json: skippedJson([{ destination: value.body.destination, sameAsItem: value.sameAsItem + 1 }]) };
		} else if (earlier && ledger) outcomes[itemIndex] = ledger.repeat(earlier);
		else candidates.push(value);
	}
	const claimed = candidates.flatMap((c) => (c.key === undefined ? [] : [{ itemIndex: c.itemIndex, key: c.key }]));
	const skips = deduplication ? await deduplication.claim(claimed) : new Map<number, IDataObject>();
	for (const [itemIndex, skip] of skips) outcomes[itemIndex] = { json: skip };
	const sender = new QlaraSender(this, connection, settings, ledger, outcomes);
	await sender.run(candidates.filter((c) => !skips.has(c.itemIndex)));
	await deduplication?.release(claimed.filter((c) => !skips.has(c.itemIndex)), sender.outcomes);
	return { outcomes: asToolAnswers(this, sender.outcomes), halt: sender.control.halt };
}
