import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import { mapWithConcurrency } from '../../helpers/concurrency';
import { UNDOCUMENTED_STATUS, statusFromName } from '../../helpers/deliveryStatus';
import { RateLimiter } from '../../helpers/rateLimiter';
import { invalidField, splitList } from '../../helpers/validation';
import { clampInteger, isObject } from '../../helpers/values';
import { agileRequest, limiterPacer, requireQlara, type Connection, type RequestPacer } from '../../transport/request';
import type { RetrySettings } from '../../transport/retry';
import { prepareItems, toItemError, type ItemOutcome, type OperationResult } from '../outcome';
import { DEFAULT_MAX_REQUESTS_PER_SECOND } from '../sms/send.description';

const displayOptions = { show: { resource: ['message'], operation: ['getStatus'] } };

type Channel = 'SMS' | 'RCS' | 'WHATSAPP';
const CHANNELS: Channel[] = ['SMS', 'RCS', 'WHATSAPP'];

const DEFAULT_IDS_PER_REQUEST = 200;
const MAX_IDS_PER_REQUEST = 1000;
/**
 * Unknown ids are omitted by the batch endpoint and ids travel in the URL, which servers commonly cap near 8 KB
 * (agile-api.md §7 warns of 414): keep the encoded `ids` value under this many characters whatever the count.
 */
const MAX_IDS_QUERY_LENGTH = 6000;
/** Status lookups change nothing, so a few may run at once; more would only eat into Qlara's per-key rate limit. */
const CONCURRENT_REQUESTS = 4;

export const NOT_FOUND = 'NOT_FOUND';

/** Wait for Final Status: polls never come closer than this, whatever the Retry settings say. */
const MIN_POLL_DELAY_MS = 100;
const DEFAULT_MAX_WAIT_SECONDS = 60;
const MAX_WAIT_LIMIT_SECONDS = 3600;

/**
 * Not a delivery status: the answer for an id this channel does not know (wrong id or channel, or asked too early).
 * Not final, since the message may simply not be known yet.
 */
const NOT_FOUND_FLAGS = { final: false, delivered: false };

export const description: INodeProperties[] = [
	{
		displayName: 'Message IDs',
		name: 'messageIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 6f1c2e0a-1b2c-4d5e-8f90-123456789abc',
		description:
			'IDs of the messages to check: the messageId returned when the message was sent through Qlara, or the ID you gave it. Separate several IDs with commas or new lines, or pass an array with an expression. All IDs of all items are looked up together in as few requests as possible.',
		displayOptions,
	},
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		options: [
			{ name: 'RCS', value: 'RCS' },
			{ name: 'SMS', value: 'SMS' },
			{ name: 'WhatsApp', value: 'WHATSAPP' },
		],
		default: 'SMS',
		description:
			'Channel the messages were sent on. It must match: a message looked up on another channel is reported as not found.',
		displayOptions,
	},
	{
		displayName: 'Wait for Final Status',
		name: 'waitForFinalStatus',
		type: 'boolean',
		default: false,
		description:
			'Whether to ask again until every ID has a final status (DELIVERED, ERROR, EXPIRED, UNKNOWN) or Max Wait has passed, e.g. to fall back to another channel when a one-time code is not delivered in time. The waits between polls start at the Retry settings\' Initial Delay and double up to their Max Delay; the last poll is made at Max Wait. IDs still not final are listed in pendingIds.',
		displayOptions,
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_WAIT_LIMIT_SECONDS },
		// A literal because n8n's lint reads defaults statically; equals DEFAULT_MAX_WAIT_SECONDS.
		default: 60,
		description: 'How long to wait for every ID to reach a final status, counted from the first lookup',
		displayOptions: { show: { ...displayOptions.show, waitForFinalStatus: [true] } },
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
				displayName: 'IDs per Request',
				name: 'idsPerRequest',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_IDS_PER_REQUEST },
				// A literal because n8n's lint reads defaults statically; equals DEFAULT_IDS_PER_REQUEST.
				default: 200,
				description: `Most IDs looked up in one request (Agile Telecom advises a few hundred at most). Long IDs are sent in smaller groups so the URL stays under about ${MAX_IDS_QUERY_LENGTH} characters.`,
			},
		],
	},
];

/** One entry of `statuses` in the output: one per requested id, in the order given. */
interface StatusEntry extends IDataObject {
	messageId: string;
	found: boolean;
	status: string;
	description: string;
	final: boolean;
	delivered: boolean;
}

interface ItemPlan {
	channel: Channel;
	ids: string[];
}

type ItemError = NodeApiError | NodeOperationError;

/** What every status request of an execution shares: the Retry settings and one rate limiter (Qlara's per-key limit). */
interface LookupSettings {
	retry: RetrySettings;
	limiter: RateLimiter;
}

/** Id fields the API may use (`customerMessageId` per the reference; `messageId`/`id` seen in the guides). */
const ID_FIELDS = ['customerMessageId', 'messageId', 'id'];
/** The reference spells it both ways (agile-api.md §7). */
const DESCRIPTION_FIELDS = ['deliveryStatusDescription', 'deliveryStatoDescription', 'description'];
const STATUS_FIELDS = ['deliveryStatus', 'status'];
const CONSUMED_FIELDS = new Set([...ID_FIELDS, ...DESCRIPTION_FIELDS, ...STATUS_FIELDS]);

function firstString(entry: IDataObject, fields: string[]): string | undefined {
	for (const field of fields) {
		const value = entry[field];
		if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
	}
	return undefined;
}

/** The documented answer is an array (batch) or one object (single); common wrappers are accepted as well. */
function entriesOf(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body.filter(isObject);
	if (!isObject(body)) return [];
	for (const key of ['statuses', 'data', 'items', 'results', 'content', 'messages']) {
		const value = body[key];
		if (Array.isArray(value)) return value.filter(isObject);
		if (isObject(value) && firstString(value, STATUS_FIELDS) !== undefined) return [value];
	}
	return firstString(body, STATUS_FIELDS) !== undefined ? [body] : [];
}

function foundEntry(messageId: string, raw: IDataObject): StatusEntry {
	const status = (firstString(raw, STATUS_FIELDS) ?? 'UNKNOWN').toUpperCase();
	// The status table shared with the trigger (helpers/deliveryStatus.ts): one meaning of each status.
	const known = statusFromName(status) ?? UNDOCUMENTED_STATUS;
	const extra: IDataObject = {};
	// Fields beyond the documented ones (the full schema is not public) are passed on rather than dropped.
	for (const [key, value] of Object.entries(raw)) if (!CONSUMED_FIELDS.has(key)) extra[key] = value;
	return {
		...extra,
		messageId,
		found: true,
		status,
		description: firstString(raw, DESCRIPTION_FIELDS) ?? '',
		final: known.final,
		delivered: known.delivered,
	};
}

function notFoundEntry(messageId: string, channel: Channel): StatusEntry {
	return {
		messageId,
		found: false,
		status: NOT_FOUND,
		description: `No message with this ID on channel ${channel}. Check the ID and that Channel matches the channel the message was sent on; a message sent moments ago may not be known yet.`,
		...NOT_FOUND_FLAGS,
	};
}

/** Groups of ids that each fit one batch request, by count and by encoded length. */
function chunkIds(ids: string[], perRequest: number): string[][] {
	const chunks: string[][] = [];
	let current: string[] = [];
	let length = 0;
	for (const id of ids) {
		const encoded = encodeURIComponent(id).length;
		// The comma between ids is percent-encoded too, hence 3 characters.
		if (current.length && (current.length >= perRequest || length + 3 + encoded > MAX_IDS_QUERY_LENGTH)) {
			chunks.push(current);
			current = [];
			length = 0;
		}
		length += (current.length ? 3 : 0) + encoded;
		current.push(id);
	}
	if (current.length) chunks.push(current);
	return chunks;
}

/** The entries of a batch answer that belong to the ids asked, by id. */
function matchEntries(body: unknown, ids: string[]): Map<string, StatusEntry> {
	const found = new Map<string, StatusEntry>();
	const wanted = new Set(ids);
	for (const entry of entriesOf(body)) {
		for (const field of ID_FIELDS) {
			const id = firstString(entry, [field]);
			if (id !== undefined && wanted.has(id) && !found.has(id)) found.set(id, foundEntry(id, entry));
		}
	}
	return found;
}

/**
 * The batch parameter is `ids` in the API reference and `customerMessageIds` in the webhooks guide (agile-api.md
 * §7, §16.12). What one request of an execution learns about the server is used by the following ones.
 */
type IdsParameter = 'ids' | 'customerMessageIds';
interface IdsParameterMemory {
	/** The parameter that found a message. */
	learnt?: IdsParameter;
}

/**
 * One batch lookup. `ids` is asked first; only when it finds nothing (an empty answer, or a 400 from a server
 * that requires the other name) are the same ids asked as `customerMessageIds`. Once `ids` has found a message
 * the fallback is never made, so a server that reads `ids` costs one request per batch as before; once
 * `customerMessageIds` has, later batches use it directly. Ids that neither name finds cost two requests:
 * the price of not knowing which name the server reads.
 */
async function lookupBatch(
	ctx: IExecuteFunctions,
	connection: Connection,
	request: { channel: Channel; ids: string[]; itemIndex: number },
	settings: LookupSettings,
	memory: IdsParameterMemory,
): Promise<Map<string, StatusEntry>> {
	const ask = async (parameter: IdsParameter, passThrough?: number[]) =>
		await agileRequest(ctx, connection, {
			method: 'GET',
			url: connection.endpoints.qlaraMessageStatus,
			qs: { [parameter]: request.ids.join(','), channel: request.channel },
			kind: 'read',
			retry: settings.retry,
			itemIndex: request.itemIndex,
			passThrough,
			pacer: pacerFor(ctx, settings, request.itemIndex),
		});
	const used = memory.learnt ?? 'ids';
	const response = await ask(used, used === 'ids' && memory.learnt === undefined ? [400] : undefined);
	const found = response.statusCode === 400 ? new Map<string, StatusEntry>() : matchEntries(response.body, request.ids);
	if (found.size > 0) {
		memory.learnt ??= used;
		return found;
	}
	// Nothing found by a parameter the server is known to read: these ids are simply unknown. A 400 is never
	// taken for "nothing found": the fallback answers it or reports the error.
	const readsUsed = used === 'customerMessageIds' || memory.learnt === 'ids';
	if (readsUsed && response.statusCode !== 400) return found;
	// After a 200, a 400 to the fallback means the server requires `ids`: the ids are unknown, not wrong.
	const second = await ask('customerMessageIds', response.statusCode === 400 ? undefined : [400]);
	if (second.statusCode === 400) {
		memory.learnt = 'ids';
		return found;
	}
	const fallback = matchEntries(second.body, request.ids);
	if (fallback.size > 0) memory.learnt = 'customerMessageIds';
	return fallback;
}

/** The channel and ids an item asks about, or which field is wrong. */
function planItem(ctx: IExecuteFunctions, i: number): ItemPlan | NodeOperationError {
	const node = ctx.getNode();
	const channel = String(ctx.getNodeParameter('channel', i, 'SMS')).toUpperCase() as Channel;
	const ids = [...new Set(splitList(ctx.getNodeParameter('messageIds', i, '')))];
	if (!CHANNELS.includes(channel)) return invalidField(node, i, 'Channel', `"${channel}" is not one of ${CHANNELS.join(', ')}`);
	if (ids.length === 0) {
		return invalidField(node, i, 'Message IDs', 'is empty. Give at least one message ID (the messageId returned by the send)');
	}
	const spaced = ids.find((id) => /\s/.test(id));
	if (spaced !== undefined) {
		return invalidField(node, i, 'Message IDs', `"${spaced}" contains a space; message IDs never do. Separate IDs with commas or new lines`);
	}
	return { channel, ids };
}

interface StatusRequest {
	channel: Channel;
	ids: string[];
	itemIndex: number;
	single: boolean;
}

function pacerFor(ctx: IExecuteFunctions, settings: LookupSettings, itemIndex: number): RequestPacer {
	return limiterPacer(ctx, settings.limiter, itemIndex);
}

/** The ids asked on one channel, and the first item asking (named by a failed request's error). */
interface ChannelGroup {
	ids: Set<string>;
	firstItem: number;
}

/** The ids of all items, per channel. */
function groupByChannel(plans: Array<ItemPlan | undefined>): Map<Channel, ChannelGroup> {
	const byChannel = new Map<Channel, ChannelGroup>();
	plans.forEach((plan, i) => {
		if (!plan) return;
		const group = byChannel.get(plan.channel) ?? { ids: new Set<string>(), firstItem: i };
		byChannel.set(plan.channel, group);
		for (const id of plan.ids) group.ids.add(id);
	});
	return byChannel;
}

/** The ids of each channel in requests of at most `perRequest`. */
function planRequests(byChannel: Map<Channel, ChannelGroup>, perRequest: number): StatusRequest[] {
	const requests: StatusRequest[] = [];
	for (const [channel, group] of byChannel) {
		// A lone id per channel uses the single-status endpoint; a short last chunk of a long list stays a batch.
		const single = group.ids.size === 1;
		for (const ids of chunkIds([...group.ids], perRequest)) requests.push({ channel, ids, itemIndex: group.firstItem, single });
	}
	return requests;
}

/** A lone id through the single-status endpoint, whose 404 means "no such id on this channel". */
async function lookupSingle(
	ctx: IExecuteFunctions,
	connection: Connection,
	request: StatusRequest,
	settings: LookupSettings,
): Promise<Map<string, StatusEntry>> {
	const [id] = request.ids;
	const response = await agileRequest(ctx, connection, {
		method: 'GET',
		url: `${connection.endpoints.qlaraMessageStatus}/${encodeURIComponent(id)}`,
		qs: { channel: request.channel },
		kind: 'read',
		retry: settings.retry,
		itemIndex: request.itemIndex,
		passThrough: [404],
		pacer: pacerFor(ctx, settings, request.itemIndex),
	});
	const [entry] = response.statusCode === 404 ? [] : entriesOf(response.body);
	return new Map(entry ? [[id, foundEntry(id, entry)]] : []);
}

/** Per channel: id → its entry, or the error of the request that should have answered it. */
function collectAnswers(
	requests: StatusRequest[],
	results: Array<Map<string, StatusEntry> | ItemError | undefined>,
): Map<Channel, Map<string, StatusEntry | ItemError>> {
	const answers = new Map<Channel, Map<string, StatusEntry | ItemError>>();
	requests.forEach((request, index) => {
		const result = results[index];
		const channelAnswers = answers.get(request.channel) ?? new Map<string, StatusEntry | ItemError>();
		answers.set(request.channel, channelAnswers);
		for (const id of request.ids) {
			if (result === undefined) continue;
			const answer = result instanceof NodeApiError || result instanceof NodeOperationError ? result : (result.get(id) ?? notFoundEntry(id, request.channel));
			channelAnswers.set(id, answer);
		}
	});
	return answers;
}

type Answers = Map<Channel, Map<string, StatusEntry | ItemError>>;

/** How Wait for Final Status ended, for the output. */
interface WaitReport {
	polls: number;
	waitedMs: number;
}

/** An item's output: one entry per requested id, plus counts and flags for an IF node; or its request's error. */
function itemOutcome(
	ctx: IExecuteFunctions,
	plan: ItemPlan,
	i: number,
	answers: Map<string, StatusEntry | ItemError> | undefined,
	wait: WaitReport | undefined,
): ItemOutcome {
	const statuses: StatusEntry[] = [];
	for (const id of plan.ids) {
		const answer = answers?.get(id);
		if (answer === undefined || answer instanceof NodeApiError || answer instanceof NodeOperationError) {
			return { error: answer ?? new NodeOperationError(ctx.getNode(), `No answer for message ${id}`, { itemIndex: i }) };
		}
		statuses.push(answer);
	}
	const count = (predicate: (entry: StatusEntry) => boolean) => statuses.filter(predicate).length;
	const json: IDataObject = {
		channel: plan.channel,
		total: statuses.length,
		deliveredCount: count((s) => s.delivered),
		finalCount: count((s) => s.final),
		pendingCount: count((s) => s.found && !s.final),
		notFoundCount: count((s) => !s.found),
		allFinal: statuses.every((s) => s.final),
		allDelivered: statuses.every((s) => s.delivered),
		statuses,
	};
	if (wait) {
		const pendingIds = statuses.filter((s) => !s.final).map((s) => s.messageId);
		Object.assign(json, { timedOut: pendingIds.length > 0, pendingIds, polls: wait.polls, waitedMs: wait.waitedMs });
	}
	return { json };
}

/** One round of lookups: every request at most CONCURRENT_REQUESTS at a time, its answers by channel and id. */
async function lookupRound(
	ctx: IExecuteFunctions,
	connection: Connection,
	requests: StatusRequest[],
	settings: LookupSettings,
	idsParameter: IdsParameterMemory,
): Promise<Answers> {
	const continueOnFail = ctx.continueOnFail();
	const results = await mapWithConcurrency(requests.length, CONCURRENT_REQUESTS, async (index) => {
		const request = requests[index];
		const pending = request.single ? lookupSingle(ctx, connection, request, settings) : lookupBatch(ctx, connection, request, settings, idsParameter);
		return continueOnFail ? await pending.catch((error: unknown) => toItemError(ctx.getNode(), error)) : await pending;
	});
	return collectAnswers(requests, results);
}

/** The ids whose latest answer is a status that is not final (a failed request is not asked again). */
function pendingGroups(answers: Answers, groups: Map<Channel, ChannelGroup>): Map<Channel, ChannelGroup> {
	const pending = new Map<Channel, ChannelGroup>();
	for (const [channel, group] of groups) {
		const ids = new Set<string>();
		for (const [id, answer] of answers.get(channel) ?? []) {
			if (!(answer instanceof NodeApiError || answer instanceof NodeOperationError) && !answer.final) ids.add(id);
		}
		if (ids.size > 0) pending.set(channel, { ids, firstItem: group.firstItem });
	}
	return pending;
}

/** Wait for Final Status: the poll after `poll` polls; Initial Delay doubling up to Max Delay, without jitter. */
function pollDelay(poll: number, retry: RetrySettings): number {
	return Math.max(MIN_POLL_DELAY_MS, Math.min(retry.maxDelay, retry.initialDelay * 2 ** (poll - 1)));
}

/**
 * Asks again for the ids not final yet until none is left or `maxWaitMs` from the first lookup has passed; the
 * last poll is made at that moment. Each poll asks only the pending ids, through the same rate limiter.
 */
async function pollUntilFinal(
	ctx: IExecuteFunctions,
	lookup: (groups: Map<Channel, ChannelGroup>) => Promise<Answers>,
	answers: Answers,
	groups: Map<Channel, ChannelGroup>,
	{ retry, maxWaitMs, startedAt }: { retry: RetrySettings; maxWaitMs: number; startedAt: number },
): Promise<WaitReport> {
	const signal = ctx.getExecutionCancelSignal();
	let polls = 1;
	for (;;) {
		const pending = pendingGroups(answers, groups);
		const left = startedAt + maxWaitMs - Date.now();
		if (pending.size === 0 || left <= 0) break;
		try {
			await sleep(Math.min(pollDelay(polls, retry), left), signal);
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for a final status', {
				description: `Status lookups made before the cancel: ${polls}. Nothing was sent.`,
			});
		}
		for (const [channel, channelAnswers] of await lookup(pending)) {
			for (const [id, answer] of channelAnswers) answers.get(channel)?.set(id, answer);
		}
		polls++;
	}
	return { polls, waitedMs: Date.now() - startedAt };
}

function readWait(ctx: IExecuteFunctions): number | undefined {
	if (ctx.getNodeParameter('waitForFinalStatus', 0, false) !== true) return undefined;
	const seconds = Number(ctx.getNodeParameter('maxWait', 0, DEFAULT_MAX_WAIT_SECONDS));
	return Math.min(MAX_WAIT_LIMIT_SECONDS, Math.max(1, Number.isFinite(seconds) ? seconds : DEFAULT_MAX_WAIT_SECONDS)) * 1000;
}

/**
 * One output item per input item (the router pairs them), each with a `statuses` array holding one entry per
 * requested id, plus counts and `allFinal`/`allDelivered` for an IF node. The shape is the same for one id or
 * many, so expressions do not depend on the list length.
 *
 * The ids of all items are looked up together: N items with one id each cost N/200 batch requests, not N.
 * A lone id uses the single-status endpoint; both endpoints report an unknown id (or one sent on another channel)
 * the same way, as a NOT_FOUND entry, because the batch endpoint silently omits them (agile-api.md §7).
 * With Wait for Final Status the ids not final are asked again (see pollUntilFinal), and each item tells which
 * are still pending.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<OperationResult> {
	requireQlara(this, connection, 'Get Status');
	const { valid, outcomes } = prepareItems(this, items.length, (i) => planItem(this, i));
	const plans: Array<ItemPlan | undefined> = [];
	for (const { itemIndex, value } of valid) plans[itemIndex] = value;

	const options = this.getNodeParameter('options', 0, {}) as { idsPerRequest?: number };
	const perRequest = clampInteger(options.idsPerRequest, DEFAULT_IDS_PER_REQUEST, 1, MAX_IDS_PER_REQUEST);
	const retry = getRetrySettings(this, 0);
	const maxWaitMs = readWait(this);
	const limiter = new RateLimiter({ ratePerSecond: DEFAULT_MAX_REQUESTS_PER_SECOND, maxWait: retry.maxDelay, signal: this.getExecutionCancelSignal() });
	const settings: LookupSettings = { retry, limiter };
	const idsParameter: IdsParameterMemory = {};
	const lookup = async (groups: Map<Channel, ChannelGroup>) =>
		await lookupRound(this, connection, planRequests(groups, perRequest), settings, idsParameter);

	const startedAt = Date.now();
	const groups = groupByChannel(plans);
	const answers = await lookup(groups);
	const wait = maxWaitMs === undefined ? undefined : await pollUntilFinal(this, lookup, answers, groups, { retry, maxWaitMs, startedAt });
	plans.forEach((plan, i) => {
		if (plan) outcomes[i] = itemOutcome(this, plan, i, answers.get(plan.channel), wait);
	});
	return { outcomes };
}
