/**
 * Agile Telecom sandbox: a real HTTP server on 127.0.0.1 that emulates every Agile Telecom path on ONE host
 * (agile-api.md §1–§9). Tests, the benchmark and the demo point a `custom` credential at `sandbox.url`.
 *
 * Paths:
 *   POST /services/sms/send, POST /api/services/sms/send          messages[] batch send (§3)
 *   GET  /services/sms/credit, GET /api/services/sms/credit        { credit } (§5)
 *   GET  /api/v1/partner-gateway/subscription/credit               { credit, frozenCredit, availableCredit } (§5)
 *   POST /api/message-server/sms/send                              Qlara single send (§4)
 *   GET  /api/partner-gateway/v1/messages/status/:id?channel=SMS   single status (§7)
 *   GET  /api/partner-gateway/v1/messages/status?ids=a,b,c         batch status (§7)
 *   GET|POST|PUT|DELETE /api/partner-gateway/v1/webhooks/delivery-status   (§6.3)
 *   GET  /services/mnp/number-lookup?msisdn=+39…                  number portability lookup (§15, errors §8.4)
 * and, the other way round, `notifyWebhook()` POSTs an event to the registered webhook as Qlara does (§6.3).
 *
 * Order in which a request is handled: record → fault queue → auth → rate limit → size limits → route.
 * The control API is plain methods on the object `startSandbox()` returns, never HTTP.
 */
import { randomUUID } from 'node:crypto';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test-only loopback server
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test-only loopback server
import type { AddressInfo } from 'node:net';
import { sleep } from 'n8n-workflow';

/** Success body of the messages[] send: wholesale `results[]` (default) or legacy `secure.` counters. */
export type BatchShape = 'results' | 'processed';
/** Success body of the Qlara single send: `results.sms` object (UC-001, default) or `results[]` array. */
export type QlaraShape = 'sms' | 'array';
/** What a second POST of the delivery-status webhook does: 409 (API reference, default) or replace (guide). */
export type WebhookMode = 'conflict' | 'replace';
/**
 * What `processedMessages` of the 'processed' shape counts. The legacy docs never say (agile-api.md §16.1): accepted
 * destinations (default) or accepted `messages[]` entries (an entry counts when at least one destination was accepted).
 */
export type ProcessedCounts = 'destinations' | 'messages';
/**
 * The `id` of each `results[]` entry. The docs call it the "per-message id used to correlate DLRs" and show one of
 * the server's own (`msg_abc123`), without saying whether it echoes the `ids[i]` the request sent (agile-api.md
 * §3.2, §3.3 a): `sent` echoes them (default), `server` gives every destination an id of the server's own.
 */
export type BatchResultIds = 'sent' | 'server';
/**
 * A per-destination rejection inside a 200: its status (402, 403, 401, 400, 429, 500 …), applied to every send of that
 * destination, or only to the next `times` sends (a transient 429/500 that succeeds when sent again). `after` lets
 * that many sends of the destination through first (the second of two SMS to one number refused).
 */
export type Rejection = number | { status: number; times?: number; after?: number };
/**
 * Query parameter the MNP lookup reads: `msisdn` (every URL and code sample), `number` (one parameter table),
 * or `either` (default), agile-api.md §15.
 */
export type MnpParameter = 'msisdn' | 'number' | 'either';
/** MNP error bodies as documented, without the comma between the two fields (default), or as valid JSON (§8.4). */
export type MnpErrorFormat = 'documented' | 'json';
/**
 * Batch status query parameter the server reads: `ids` (API reference), `customerMessageIds` (webhooks guide)
 * or `both` (default), agile-api.md §7. A strict reading ignores the other parameter.
 */
export type StatusParameter = 'ids' | 'customerMessageIds' | 'both';
/**
 * How a message's status moves on between status reads (agile-api.md §7): SENT (forwarded to the carrier), RECEIVED
 * (received downstream), then DELIVERED (reached the device). The k-th read of a message (single or batch, counted
 * per message) answers step k, the last step from then on.
 */
export const DOCUMENTED_PROGRESSION: readonly string[] = ['SENT', 'RECEIVED', 'DELIVERED'];

/** A number portability answer (agile-api.md §15); `numbertype` is spelled as documented. */
export interface MnpAnswer {
	number: string;
	mcc: string;
	mnc: string;
	numbertype: string;
	ported: boolean;
	operator: string;
	country: string;
}

export interface BasicCredentials {
	username: string;
	password: string;
}

export interface RateLimitOptions {
	/** Token bucket: at most this many requests per second (burst = perSecond). */
	perSecond?: number;
	/** Token bucket: at most this many requests per minute (burst = perMinute). */
	perMinute?: number;
	/** Send the `Retry-After` header on a 429 (default true). The Qlara body `retryAfter` field is always sent. */
	retryAfterHeader?: boolean;
	/** `X-RateLimit-Reset` as seconds from now (default) or as epoch seconds. */
	resetFormat?: 'seconds' | 'epochSeconds';
}

export interface SandboxOptions {
	/** Port to listen on; 0 (default) = random free port. Always binds 127.0.0.1. */
	port?: number;
	/** Valid API keys for `X-Api-Key`. Default `['test-api-key']`. */
	apiKeys?: string[];
	/** Valid Basic credentials. Default `[{ username: 'test-user', password: 'test-pass' }]`. */
	basic?: BasicCredentials[];
	/** Success shape of POST …/sms/send. Default 'results'. */
	batchShape?: BatchShape;
	/** The ids of the 'results' shape. Default 'sent'. */
	batchResultIds?: BatchResultIds;
	/** Success shape of the Qlara single send. Default 'sms'. */
	qlaraShape?: QlaraShape;
	/**
	 * The channel key of the Qlara 'sms' shape's `results`: 'sms' (default), or 'rcs' as an account-level RCS override
	 * produces it (agile-api.md §3.1, §4.1) unless the request sets `skipRcsOverride: true`.
	 */
	qlaraChannel?: 'sms' | 'rcs';
	/** What `processedMessages` counts in the 'processed' shape. Default 'destinations'. */
	processedCounts?: ProcessedCounts;
	/** Default 'conflict'. */
	webhookMode?: WebhookMode;
	/**
	 * §6.3 says "HTTPS required". Default false: http on loopback is accepted too, so a local n8n can register;
	 * true: only https:// is, as the docs say.
	 */
	webhookHttpsOnly?: boolean;
	/**
	 * What the 400 refusing a webhook URL says; the docs do not show it. Default false: a generic text; true: the
	 * text quotes the callbackUrl it refused, query (and so the trigger's token) included, as many APIs do.
	 */
	webhookEchoesUrl?: boolean;
	/** Added before every response (not before drops 'immediately'). */
	latencyMs?: number;
	rateLimit?: RateLimitOptions;
	/** More destinations than this in one messages[] request → 413. */
	maxMessagesPerRequest?: number;
	/** A request body larger than this many bytes → 413. */
	maxBodyBytes?: number;
	/** Keep `requests[]` (default true). False = only counters, deliveries and statuses are kept. */
	record?: boolean;
	/** Keep parsed bodies in `requests[]` (default true). False keeps method/path/headers only. */
	recordBodies?: boolean;
	/** Balance returned by the credit endpoints and the 'processed' shape. Default 1000. */
	credit?: number;
	/** Qlara frozenCredit. Default 0. */
	frozenCredit?: number;
	/** destination → its rejection inside a 200 (see Rejection). */
	rejections?: Record<string, Rejection>;
	/** Default 'either'. */
	mnpParameter?: MnpParameter;
	/** Default 'documented'. */
	mnpErrorFormat?: MnpErrorFormat;
	/** Number (`+` and digits) → fields that replace the default answer (the documented example's, per country). */
	mnpAnswers?: Record<string, Partial<MnpAnswer> & Record<string, unknown>>;
	/** Default 'both'. */
	statusParameter?: StatusParameter;
	/**
	 * What a strict `statusParameter` reading answers when its parameter is absent: `[]` (it found nothing,
	 * default) or 400 (a required parameter is missing).
	 */
	statusMissingParameter?: 'empty' | 'badRequest';
	/**
	 * Statuses every message answers on its 1st, 2nd … status read (e.g. DOCUMENTED_PROGRESSION), the last one from
	 * then on. Default: none, a status changes only through `setStatus` (what a real account shows between reports).
	 */
	statusProgression?: readonly string[];
}

/**
 * A queued fault, consumed by the next request that matches `method` (exact, case-insensitive) and
 * `path` (prefix of the path without query). Without method/path it matches the next request.
 * - `{ status, body?, headers? }`: answer with that instead of the real handler (nothing is accepted).
 * - `{ status, body?, accept: true }`: handle normally (messages ARE accepted and counted), then answer with that
 *   instead of the real reply: an answer the client cannot read (an HTML page, `{}`) for a request that did go through.
 * - `{ delayMs }` alone: wait, then handle normally. With `status`: wait, then answer the fault.
 * - `{ drop: 'before-response' }`: handle normally (messages ARE accepted and counted), then destroy the socket
 *   without answering — the ambiguous failure.
 * - `{ drop: 'immediately' }`: destroy the socket before reading the body (nothing accepted).
 * `times` (default 1) repeats the fault for that many matching requests.
 */
export interface Fault {
	method?: string;
	path?: string;
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	delayMs?: number;
	drop?: 'before-response' | 'immediately';
	accept?: boolean;
	times?: number;
}

export type AuthKind = 'apiKey' | 'basic' | 'both' | 'none';

export interface RecordedRequest {
	/** 0-based arrival order. */
	seq: number;
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string>;
	/** Lower-case header names; repeated headers joined with ', '. */
	headers: Record<string, string>;
	/** Parsed JSON, else raw text, else undefined (no body, drop 'immediately', or recordBodies:false). */
	body: unknown;
	/** The query string exactly as it arrived (without `?`), to check percent-encoding such as `%2B`. */
	rawQuery: string;
	receivedAt: number;
	/** Which credential kinds the request carried (valid or not). 'both' = X-Api-Key AND Authorization. */
	auth: AuthKind;
	/** True when the request carried an X-Api-Key header AND an Authorization header. */
	bothAuth: boolean;
	/** The fault applied to this request, if any. */
	fault?: Fault;
	/** Status answered; undefined when the socket was dropped (or still in progress). */
	status?: number;
}

export interface StoredMessage {
	id: string;
	destination: string;
	channel: 'SMS';
	deliveryStatus: string;
	deliveryStatusDescription: string;
	/** 'batch' = messages[] endpoint, 'qlara' = single send. */
	source: 'batch' | 'qlara';
	globalId?: string;
	/** This message's own progression (see `setStatusProgression`), before the `statusProgression` option. */
	progression?: readonly string[];
	/** How many status reads found this message. */
	reads?: number;
}

export interface WebhookRecord {
	id: string;
	callbackUrl: string;
	status: 'ACTIVE';
	createdAt: string;
	updatedAt?: string;
}

/** What the receiver of a webhook notification answered. */
export interface WebhookDelivery {
	url: string;
	status: number;
	contentType: string | null;
	body: string;
}

export interface SandboxStats {
	requests: number;
	/** Destinations accepted (each counts once per acceptance, duplicates included). */
	acceptedMessages: number;
	/** Destinations rejected inside a 200 (per-destination rejections). */
	rejectedMessages: number;
	/** Sum of SMS parts of accepted messages. */
	acceptedParts: number;
}

export interface Sandbox {
	url: string;
	port: number;
	/** Every request, in arrival order (empty when record:false). */
	readonly requests: RecordedRequest[];
	/**
	 * How many times each message was ACCEPTED, by id. Key = the sent `ids[i]`, the Qlara `messageId` (sent or
	 * generated), or `${globalId}/${destination}` for a messages[] entry without ids.
	 */
	readonly deliveries: Map<string, number>;
	/**
	 * How many times each destination was sent each text, whatever the ids: what the phone's owner sees. Key =
	 * `${destination} ← ${text}` (the text after Qlara placeholders).
	 */
	readonly contentDeliveries: Map<string, number>;
	/** A copy of `deliveries`. */
	countDeliveries(): Map<string, number>;
	/** The duplicate detector: ids accepted more than once, then destination ← text pairs accepted more than once. */
	duplicates(): string[];
	/** Every accepted message by id (status store of §7). */
	readonly messages: Map<string, StoredMessage>;
	readonly stats: SandboxStats;
	/** The configured delivery-status webhook, if any. */
	readonly webhook: WebhookRecord | undefined;
	/**
	 * Qlara's side of §6.3: POSTs `body` to the registered delivery-status webhook, as JSON unless `contentType` says
	 * otherwise (a string body is sent as is), and resolves with what the receiver answered. Rejects when no
	 * webhook is registered.
	 */
	notifyWebhook(body: unknown, options?: { contentType?: string }): Promise<WebhookDelivery>;
	/** Requests whose path starts with `pathPrefix` (and, if given, use `method`). */
	requestsTo(pathPrefix: string, method?: string): RecordedRequest[];
	setStatus(id: string, status: string, description?: string): void;
	/** The statuses `id` answers on its next status reads, one per read, the last one from then on; creates it if unknown. */
	setStatusProgression(id: string, steps: readonly string[]): void;
	injectFaults(faults: Fault[]): void;
	/** Faults not consumed yet. */
	pendingFaults(): Fault[];
	/** Merge per-destination rejections (destination → Rejection); `{}` clears nothing, use reset(). */
	setRejections(rejections: Record<string, Rejection>): void;
	/** Change options at run time (shapes, latency, limits, credit, rate limit — buckets are refilled). */
	configure(options: Partial<SandboxOptions>): void;
	/** Clears requests, deliveries, messages, stats, faults, rejections and the webhook; refills the buckets. */
	reset(): void;
	close(): Promise<void>;
}

const BATCH_SEND_PATHS = new Set(['/services/sms/send', '/api/services/sms/send']);
const CREDIT_PATHS = new Set(['/services/sms/credit', '/api/services/sms/credit']);
const SUBSCRIPTION_CREDIT_PATH = '/api/v1/partner-gateway/subscription/credit';
const QLARA_SEND_PATH = '/api/message-server/sms/send';
const STATUS_PATH = '/api/partner-gateway/v1/messages/status';
const WEBHOOK_PATH = '/api/partner-gateway/v1/webhooks/delivery-status';
const MNP_PATH = '/services/mnp/number-lookup';

/**
 * Default MNP answers by country code: Italy is the documented example (§15); the others only give tests a
 * second country to tell apart. Other numbers answer with empty network fields.
 */
const MNP_COUNTRIES: Array<[string, Pick<MnpAnswer, 'mcc' | 'mnc' | 'operator' | 'country'>]> = [
	['39', { mcc: '222', mnc: '10', operator: 'Vodafone', country: 'Italia' }],
	['41', { mcc: '228', mnc: '01', operator: 'Swisscom', country: 'Svizzera' }],
	['44', { mcc: '234', mnc: '15', operator: 'Vodafone UK', country: 'Regno Unito' }],
];

const SCHEDULING_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})[+-](\d{2})(\d{2})$/;

const STATUS_DESCRIPTIONS: Record<string, string> = {
	SENT: 'Message forwarded to the carrier',
	DELIVERED: 'Message delivered',
	RECEIVED: 'Message received downstream',
	ERROR: 'Message not delivered',
	EXPIRED: 'Message expired',
	UNKNOWN: 'No status information',
};

const REJECTION_TEXT: Record<number, string> = {
	400: 'Invalid destination or body',
	401: 'Sender not authorised for this destination',
	402: 'Insufficient credit',
	403: 'Destination blacklisted or opted out',
	429: 'Throttled',
	500: 'Internal error',
};

// GSM 03.38 basic set (one septet) and extension set (two septets).
const GSM_BASIC = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/** Encoding and part count as the platform would compute them (agile-api.md §10). */
export function smsParts(text: string): { unicode: boolean; parts: number } {
	let septets = 0;
	let unicode = false;
	for (const ch of text) {
		if (GSM_BASIC.has(ch)) septets += 1;
		else if (GSM_EXTENDED.has(ch)) septets += 2;
		else {
			unicode = true;
			break;
		}
	}
	if (unicode) {
		const units = text.length;
		return { unicode, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
	}
	return { unicode, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/** An MNP error body exactly as the docs print it: no comma between the two fields (agile-api.md §8.4). */
export function documentedMnpError(status: number, description: string): string {
	return `{ "error_code": ${status} "error_description": ${JSON.stringify(description)} }`;
}

function isValidScheduling(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	const m = SCHEDULING_PATTERN.exec(value);
	if (!m) return false;
	const [month, day, hour, minute, second, offH, offM] = [m[2], m[3], m[4], m[5], m[6], m[8], m[9]].map(Number);
	return (
		month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59 && offH <= 14 && offM <= 59
	);
}

interface Bucket {
	capacity: number;
	refillPerMs: number;
	tokens: number;
	updatedAt: number;
}

function makeBucket(capacity: number, windowMs: number): Bucket {
	return { capacity, refillPerMs: capacity / windowMs, tokens: capacity, updatedAt: Date.now() };
}

function refill(bucket: Bucket, now: number): void {
	bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.updatedAt) * bucket.refillPerMs);
	bucket.updatedAt = now;
}

interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsendFail(status: number, code: number, message: string): Reply {
	return { status, body: { status: status >= 500 ? 'error' : 'fail', message, code } };
}

function qlaraError(status: number, error: string, message: string): Reply {
	return { status, body: { status, error, message } };
}

function isQlaraPath(path: string): boolean {
	return path.startsWith('/api/');
}

function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(', ') : value;
}

/** Starts a sandbox on 127.0.0.1. */
export async function startSandbox(initial: SandboxOptions = {}): Promise<Sandbox> {
	let options: SandboxOptions = { ...initial };
	const apiKeys = () => new Set(options.apiKeys ?? ['test-api-key']);
	const basicList = () => options.basic ?? [{ username: 'test-user', password: 'test-pass' }];
	let validKeys = apiKeys();
	let validBasic = new Set(basicList().map((b) => Buffer.from(`${b.username}:${b.password}`).toString('base64')));

	const requests: RecordedRequest[] = [];
	const deliveries = new Map<string, number>();
	const contentDeliveries = new Map<string, number>();
	const messages = new Map<string, StoredMessage>();
	const stats: SandboxStats = { requests: 0, acceptedMessages: 0, rejectedMessages: 0, acceptedParts: 0 };
	let faults: Fault[] = [];
	let rejections: Record<string, Rejection> = { ...(options.rejections ?? {}) };
	let webhook: WebhookRecord | undefined;
	let seq = 0;
	let idCounter = 0;
	let secondBucket: Bucket | undefined;
	let minuteBucket: Bucket | undefined;

	const makeBuckets = () => {
		const rl = options.rateLimit;
		secondBucket = rl?.perSecond ? makeBucket(rl.perSecond, 1000) : undefined;
		minuteBucket = rl?.perMinute ? makeBucket(rl.perMinute, 60000) : undefined;
	};
	makeBuckets();

	const nextId = (prefix: string) => `${prefix}-${++idCounter}`;

	const accept = (key: string, destination: string, text: string) => {
		deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
		const content = `${destination} ← ${text}`;
		contentDeliveries.set(content, (contentDeliveries.get(content) ?? 0) + 1);
	};

	/** The status a destination is rejected with on this send, or undefined when it is accepted. */
	const rejectionFor = (destination: string): number | undefined => {
		const rejection = rejections[destination];
		if (rejection === undefined) return undefined;
		if (typeof rejection === 'number') return rejection;
		if (rejection.after !== undefined && rejection.after > 0) {
			rejections[destination] = { ...rejection, after: rejection.after - 1 };
			return undefined;
		}
		if (rejection.times === undefined) return rejection.status;
		if (rejection.times <= 0) return undefined;
		rejections[destination] = { ...rejection, times: rejection.times - 1 };
		return rejection.status;
	};

	const remember = (message: StoredMessage) => {
		const previous = messages.get(message.id);
		if (previous) {
			previous.destination = message.destination;
			return;
		}
		messages.set(message.id, message);
	};

	// ---------- rate limit ----------

	/** Returns undefined when allowed, else the seconds to wait. Also returns the header values. */
	const takeToken = (): { waitMs?: number; headers: Record<string, string> } => {
		const headers: Record<string, string> = {};
		const buckets = [secondBucket, minuteBucket].filter((b): b is Bucket => b !== undefined);
		if (buckets.length === 0) return { headers };
		const now = Date.now();
		for (const b of buckets) refill(b, now);
		let waitMs: number | undefined;
		for (const b of buckets) {
			if (b.tokens < 1) waitMs = Math.max(waitMs ?? 0, Math.ceil((1 - b.tokens) / b.refillPerMs));
		}
		if (waitMs === undefined) for (const b of buckets) b.tokens -= 1;
		const reported = minuteBucket ?? (secondBucket as Bucket);
		const untilFullMs = Math.ceil((reported.capacity - reported.tokens) / reported.refillPerMs);
		headers['X-RateLimit-Limit'] = String(reported.capacity);
		headers['X-RateLimit-Remaining'] = String(Math.max(0, Math.floor(reported.tokens)));
		headers['X-RateLimit-Reset'] =
			options.rateLimit?.resetFormat === 'epochSeconds'
				? String(Math.ceil((now + untilFullMs) / 1000))
				: String(Math.ceil(untilFullMs / 1000));
		return { waitMs, headers };
	};

	// ---------- handlers ----------

	const handleBatchSend = (body: unknown): Reply => {
		if (!isObject(body)) return jsendFail(400, 14, 'Message items missing');
		const list = body.messages;
		if (!Array.isArray(list) || list.length === 0) return jsendFail(400, 14, 'Message items missing');
		let total = 0;
		for (const m of list) {
			if (!isObject(m)) return jsendFail(400, 14, 'Message items missing');
			const destinations = m.destinations;
			if (!Array.isArray(destinations) || destinations.length === 0 || destinations.some((d) => typeof d !== 'string' || d === '')) {
				return jsendFail(400, 13, 'At least one destination missing');
			}
			if (typeof m.body !== 'string' || m.body === '') return jsendFail(400, 6, 'At least one message body missing');
			if (typeof m.sender !== 'string' || m.sender === '') return jsendFail(400, 10, 'At least one sender missing');
			if (m.ids !== undefined && (!Array.isArray(m.ids) || m.ids.length !== destinations.length)) {
				return jsendFail(400, 15, 'destinations and ids arrays have different lengths');
			}
			if (m.scheduling !== undefined && !isValidScheduling(m.scheduling)) {
				return jsendFail(400, 23, 'scheduling value not correct');
			}
			total += destinations.length;
		}
		if (options.maxMessagesPerRequest !== undefined && total > options.maxMessagesPerRequest) {
			return jsendFail(413, 413, `Too many messages in one request (${total} > ${options.maxMessagesPerRequest})`);
		}
		const globalId = typeof body.globalId === 'string' && body.globalId !== '' ? body.globalId : randomUUID();
		const shape = options.batchShape ?? 'results';
		const results: Json[] = shape === 'results' ? new Array<Json>(total) : [];
		let r = 0;
		let acceptedDestinations = 0;
		let acceptedEntries = 0;
		let processedParts = 0;
		for (const m of list as Json[]) {
			const destinations = m.destinations as string[];
			const ids = m.ids as unknown[] | undefined;
			const { parts } = smsParts(m.body as string);
			let entryAccepted = false;
			for (let i = 0; i < destinations.length; i++) {
				const destination = destinations[i];
				const sentId = ids?.[i];
				const hasId = typeof sentId === 'string' && sentId !== '';
				const id = hasId && options.batchResultIds !== 'server' ? (sentId as string) : nextId(hasId ? 'msg' : 'sbx');
				const rejected = rejectionFor(destination);
				const accepted = rejected === undefined;
				if (accepted) {
					entryAccepted = true;
					accept(hasId ? (sentId as string) : `${globalId}/${destination}`, destination, m.body as string);
					remember({
						id,
						destination,
						channel: 'SMS',
						deliveryStatus: 'SENT',
						deliveryStatusDescription: STATUS_DESCRIPTIONS.SENT,
						source: 'batch',
						globalId,
					});
					stats.acceptedMessages++;
					stats.acceptedParts += parts;
					acceptedDestinations++;
					processedParts += parts;
				} else {
					stats.rejectedMessages++;
				}
				if (shape === 'results') {
					results[r++] = { destination, id, accepted, statusCode: accepted ? 200 : rejected };
				}
			}
			if (entryAccepted) acceptedEntries++;
		}
		if (shape === 'processed') {
			const processedMessages = options.processedCounts === 'messages' ? acceptedEntries : acceptedDestinations;
			return {
				status: 200,
				body: { globalId, processedMessages, processedSmsParts: processedParts, credit: options.credit ?? 1000 },
			};
		}
		return { status: 200, body: { globalId, accepted: acceptedDestinations > 0, results } };
	};

	const handleQlaraSend = (body: unknown): Reply => {
		if (!isObject(body)) return qlaraError(400, 'Bad Request', 'Request body must be a JSON object');
		for (const field of ['destination', 'sender', 'body']) {
			if (typeof body[field] !== 'string' || body[field] === '') {
				return qlaraError(400, 'Bad Request', `Field '${field}' is required`);
			}
		}
		if (body.scheduledDate !== undefined && !isValidScheduling(body.scheduledDate)) {
			return qlaraError(400, 'Bad Request', "Field 'scheduledDate' must match yyyy-MM-dd HH:mm:ss.SSSZ");
		}
		const destination = body.destination as string;
		const sentId = typeof body.messageId === 'string' && body.messageId !== '' ? body.messageId : undefined;
		const messageId = sentId ?? randomUUID();
		const simulation = body.simulation === true;
		let text = body.body as string;
		if (isObject(body.placeholders)) {
			const placeholders = body.placeholders;
			text = text.replace(/\{(\w+)\}/g, (all, name: string) =>
				placeholders[name] === undefined ? all : String(placeholders[name]),
			);
		}
		const { unicode, parts } = smsParts(text);
		const rejected = rejectionFor(destination);
		const accepted = rejected === undefined;
		if (accepted) {
			accept(messageId, destination, text);
			remember({
				id: messageId,
				destination,
				channel: 'SMS',
				deliveryStatus: 'SENT',
				deliveryStatusDescription: STATUS_DESCRIPTIONS.SENT,
				source: 'qlara',
			});
			stats.acceptedMessages++;
			stats.acceptedParts += parts;
		} else {
			stats.rejectedMessages++;
		}
		const reasons = accepted ? [] : [{ code: rejected, description: REJECTION_TEXT[rejected] ?? 'Rejected' }];
		if ((options.qlaraShape ?? 'sms') === 'array') {
			return {
				status: 200,
				body: {
					messageId,
					customerMessageId: messageId,
					simulation,
					results: [
						{ phoneNumber: destination, accepted, channel: 'sms', statusCode: accepted ? 200 : rejected, ...(accepted ? {} : { reasons }) },
					],
				},
			};
		}
		const channel = options.qlaraChannel === 'rcs' && body.skipRcsOverride !== true ? 'rcs' : 'sms';
		return { status: 200, body: { messageId, simulation, results: { [channel]: { accepted, unicode, parts, reasons } } } };
	};

	const statusItem = (m: StoredMessage) => ({
		customerMessageId: m.id,
		deliveryStatus: m.deliveryStatus,
		deliveryStatusDescription: m.deliveryStatusDescription,
	});

	/** A status read of `m`: it moves one step along its progression, if it has one. */
	const read = (m: StoredMessage): StoredMessage => {
		const steps = m.progression ?? options.statusProgression;
		const reads = m.reads ?? 0;
		if (steps && steps.length > 0) {
			const status = steps[Math.min(reads, steps.length - 1)];
			m.deliveryStatus = status;
			m.deliveryStatusDescription = STATUS_DESCRIPTIONS[status] ?? status;
		}
		m.reads = reads + 1;
		return m;
	};

	const handleStatus = (path: string, query: Record<string, string>): Reply => {
		const channel = query.channel;
		if (path.length > STATUS_PATH.length + 1) {
			const id = decodeURIComponent(path.slice(STATUS_PATH.length + 1));
			if (!channel) return qlaraError(400, 'Bad Request', "Query parameter 'channel' is required");
			const m = messages.get(id);
			if (!m || m.channel !== channel.toUpperCase()) {
				return qlaraError(404, 'Not Found', `No message ${id} on channel ${channel}`);
			}
			return { status: 200, body: statusItem(read(m)) };
		}
		const reading = options.statusParameter ?? 'both';
		const raw = reading === 'both' ? (query.ids ?? query.customerMessageIds) : query[reading];
		if (raw === undefined) {
			if (reading !== 'both' && (options.statusMissingParameter ?? 'empty') === 'empty') return { status: 200, body: [] };
			return qlaraError(400, 'Bad Request', `Query parameter '${reading === 'both' ? 'ids' : reading}' is required`);
		}
		const found: Json[] = [];
		for (const id of raw.split(',')) {
			if (id === '') continue;
			const m = messages.get(id);
			if (!m) continue;
			if (channel && m.channel !== channel.toUpperCase()) continue;
			found.push(statusItem(read(m)));
		}
		return { status: 200, body: found };
	};

	/** §8.4: `{ error_code, error_description }`, by default with the documentation's missing comma. */
	const mnpError = (status: number, description: string): Reply =>
		options.mnpErrorFormat === 'json'
			? { status, body: { error_code: status, error_description: description } }
			: { status, body: documentedMnpError(status, description), headers: { 'Content-Type': 'application/json' } };

	const handleMnp = (query: Record<string, string>): Reply => {
		const reading = options.mnpParameter ?? 'either';
		const raw = reading === 'msisdn' ? query.msisdn : reading === 'number' ? query.number : (query.msisdn ?? query.number);
		if (raw === undefined || raw === '') return mnpError(400, 'Specify a msisdn number');
		// A `+` sent unencoded arrives as a space, which is why the docs ask for %2B (§15).
		if (!/^\+?[1-9]\d{5,14}$/.test(raw)) return mnpError(400, `Invalid msisdn number: ${raw}`);
		const number = raw.startsWith('+') ? raw : `+${raw}`;
		const known = MNP_COUNTRIES.find(([code]) => number.startsWith(`+${code}`))?.[1];
		const answer: Json = {
			number,
			mcc: known?.mcc ?? '',
			mnc: known?.mnc ?? '',
			numbertype: 'mobile',
			ported: false,
			operator: known?.operator ?? '',
			country: known?.country ?? '',
			...(options.mnpAnswers?.[number] ?? {}),
		};
		return { status: 200, body: answer };
	};

	const validCallbackUrl = (value: unknown): boolean => {
		if (typeof value !== 'string') return false;
		try {
			const u = new URL(value);
			if (u.protocol === 'https:') return true;
			return !options.webhookHttpsOnly && u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
		} catch (error) {
			void error;
			return false;
		}
	};

	const handleWebhook = (method: string, body: unknown): Reply => {
		if (method === 'GET') {
			return webhook ? { status: 200, body: { ...webhook } } : qlaraError(404, 'Not Found', 'No delivery-status webhook configured');
		}
		if (method === 'DELETE') {
			if (!webhook) return qlaraError(404, 'Not Found', 'No delivery-status webhook configured');
			webhook = undefined;
			return { status: 204 };
		}
		if (method === 'POST' || method === 'PUT') {
			if (!isObject(body) || !validCallbackUrl(body.callbackUrl)) {
				const given = isObject(body) && typeof body.callbackUrl === 'string' ? body.callbackUrl : undefined;
				const echo = options.webhookEchoesUrl && given !== undefined ? `, got '${given}'` : '';
				return qlaraError(400, 'Bad Request', `Field 'callbackUrl' must be an https:// URL${echo}`);
			}
			const callbackUrl = body.callbackUrl as string;
			if (method === 'PUT') {
				if (!webhook) return qlaraError(404, 'Not Found', 'No delivery-status webhook configured');
				webhook = { ...webhook, callbackUrl, updatedAt: new Date().toISOString() };
				return { status: 200, body: { ...webhook } };
			}
			if (webhook && (options.webhookMode ?? 'conflict') === 'conflict') {
				return qlaraError(409, 'Conflict', 'A delivery-status webhook already exists; use PUT or DELETE first');
			}
			webhook = { id: `wh-${randomUUID().slice(0, 8)}`, callbackUrl, status: 'ACTIVE', createdAt: new Date().toISOString() };
			return { status: 201, body: { ...webhook } };
		}
		return qlaraError(405, 'Method Not Allowed', `${method} is not allowed here`);
	};

	const route = (method: string, path: string, query: Record<string, string>, body: unknown): Reply => {
		const methodNotAllowed = (allowed: string) =>
			isQlaraPath(path)
				? { ...qlaraError(405, 'Method Not Allowed', `Use ${allowed}`), headers: { Allow: allowed } }
				: { ...jsendFail(405, 8, `Use ${allowed}`), headers: { Allow: allowed } };
		if (BATCH_SEND_PATHS.has(path)) return method === 'POST' ? handleBatchSend(body) : methodNotAllowed('POST');
		if (CREDIT_PATHS.has(path)) return method === 'GET' ? { status: 200, body: { credit: options.credit ?? 1000 } } : methodNotAllowed('GET');
		if (path === SUBSCRIPTION_CREDIT_PATH) {
			if (method !== 'GET') return methodNotAllowed('GET');
			const credit = options.credit ?? 1000;
			const frozenCredit = options.frozenCredit ?? 0;
			return { status: 200, body: { credit, frozenCredit, availableCredit: credit - frozenCredit } };
		}
		if (path === QLARA_SEND_PATH) return method === 'POST' ? handleQlaraSend(body) : methodNotAllowed('POST');
		if (path === STATUS_PATH || path.startsWith(`${STATUS_PATH}/`)) {
			return method === 'GET' ? handleStatus(path, query) : methodNotAllowed('GET');
		}
		if (path === WEBHOOK_PATH) return handleWebhook(method, body);
		if (path === MNP_PATH) {
			if (method === 'GET') return handleMnp(query);
			const reply = mnpError(405, 'Use GET');
			return { ...reply, headers: { ...reply.headers, Allow: 'GET' } };
		}
		return isQlaraPath(path)
			? qlaraError(404, 'Not Found', `No route for ${method} ${path}`)
			: jsendFail(404, 404, `No route for ${method} ${path}`);
	};

	// ---------- HTTP plumbing ----------

	const takeFault = (method: string, path: string): Fault | undefined => {
		for (let i = 0; i < faults.length; i++) {
			const f = faults[i];
			if (f.method && f.method.toUpperCase() !== method) continue;
			if (f.path && !path.startsWith(f.path)) continue;
			const remaining = (f.times ?? 1) - 1;
			if (remaining > 0) faults[i] = { ...f, times: remaining };
			else faults.splice(i, 1);
			return f;
		}
		return undefined;
	};

	const authOf = (req: IncomingMessage): { kind: AuthKind; valid: boolean } => {
		const key = headerValue(req.headers['x-api-key']);
		const authorization = headerValue(req.headers.authorization);
		const kind: AuthKind = key !== undefined && authorization !== undefined ? 'both' : key !== undefined ? 'apiKey' : authorization !== undefined ? 'basic' : 'none';
		let valid = false;
		if (key !== undefined && validKeys.has(key)) valid = true;
		if (authorization !== undefined) {
			const m = /^Basic\s+(\S+)\s*$/i.exec(authorization);
			if (m && validBasic.has(m[1])) valid = true;
		}
		return { kind, valid };
	};

	const readBody = (req: IncomingMessage): Promise<{ text: string; bytes: number; tooLarge: boolean }> =>
		new Promise((resolve, reject) => {
			const chunks: Buffer[] = [];
			let bytes = 0;
			let tooLarge = false;
			const limit = options.maxBodyBytes;
			req.on('data', (chunk: Buffer) => {
				bytes += chunk.length;
				if (limit !== undefined && bytes > limit) {
					tooLarge = true;
					chunks.length = 0;
					return;
				}
				chunks.push(chunk);
			});
			req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), bytes, tooLarge }));
			req.on('error', reject);
		});

	const send = (res: ServerResponse, record: RecordedRequest | undefined, reply: Reply, extraHeaders: Record<string, string>) => {
		const headers: Record<string, string> = { ...extraHeaders, ...(reply.headers ?? {}) };
		let payload: string | undefined;
		if (reply.body !== undefined && reply.status !== 204) {
			payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
				headers['Content-Type'] = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
			}
			headers['Content-Length'] = String(Buffer.byteLength(payload));
		}
		if (record) record.status = reply.status;
		res.writeHead(reply.status, headers);
		res.end(payload);
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const receivedAt = Date.now();
		const method = (req.method ?? 'GET').toUpperCase();
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
		const query: Record<string, string> = {};
		if (q !== -1) for (const [k, v] of new URLSearchParams(rawUrl.slice(q + 1))) query[k] = v;
		const auth = authOf(req);
		stats.requests++;

		let record: RecordedRequest | undefined;
		if (options.record !== false) {
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) {
				const value = headerValue(v);
				if (value !== undefined) headers[k] = value;
			}
			record = {
				seq: seq++,
				method,
				path,
				query,
				headers,
				body: undefined,
				rawQuery: q === -1 ? '' : rawUrl.slice(q + 1),
				receivedAt,
				auth: auth.kind,
				bothAuth: auth.kind === 'both',
			};
			requests.push(record);
		}

		const fault = takeFault(method, path);
		if (record && fault) record.fault = fault;
		if (fault?.drop === 'immediately') {
			req.socket.destroy();
			return;
		}

		const { text, tooLarge } = await readBody(req);
		let body: unknown;
		let parseError = false;
		if (text !== '') {
			try {
				body = JSON.parse(text);
			} catch (error) {
				void error;
				body = text;
				parseError = true;
			}
		}
		if (record && options.recordBodies !== false) record.body = body;

		if (fault?.delayMs) await sleep(fault.delayMs);
		if (options.latencyMs) await sleep(options.latencyMs);

		const qlara = isQlaraPath(path);
		const extraHeaders: Record<string, string> = {};

		if (fault?.status !== undefined && !fault.accept) {
			send(res, record, { status: fault.status, body: fault.body, headers: fault.headers }, extraHeaders);
			return;
		}

		if (!auth.valid) {
			const reply =
				path === MNP_PATH
					? mnpError(401, 'Wrong credentials')
					: qlara && !BATCH_SEND_PATHS.has(path) && !CREDIT_PATHS.has(path)
						? qlaraError(401, 'Unauthorized', 'Invalid or missing API key')
						: jsendFail(401, 1, 'Wrong credentials');
			send(res, record, reply, extraHeaders);
			return;
		}

		const token = takeToken();
		if (qlara) Object.assign(extraHeaders, token.headers);
		if (token.waitMs !== undefined) {
			const seconds = Math.max(1, Math.ceil(token.waitMs / 1000));
			const headers: Record<string, string> = { ...token.headers };
			if (options.rateLimit?.retryAfterHeader !== false) headers['Retry-After'] = String(seconds);
			send(
				res,
				record,
				{
					status: 429,
					body: { status: 429, error: 'Too Many Requests', message: `Rate limit exceeded. Please retry after ${seconds} seconds.`, retryAfter: seconds },
					headers,
				},
				{},
			);
			return;
		}

		if (tooLarge) {
			send(res, record, qlara ? qlaraError(413, 'Payload Too Large', 'Request body too large') : jsendFail(413, 413, 'Request body too large'), extraHeaders);
			return;
		}

		const hasBody = method === 'POST' || method === 'PUT';
		if (hasBody) {
			const contentType = (headerValue(req.headers['content-type']) ?? '').toLowerCase();
			if (!contentType.startsWith('application/json')) {
				const message = 'Content-Type must be application/json';
				send(res, record, qlara ? qlaraError(415, 'Unsupported Media Type', message) : jsendFail(415, 415, message), extraHeaders);
				return;
			}
			if (parseError) {
				send(res, record, qlara ? qlaraError(400, 'Bad Request', 'Malformed JSON') : jsendFail(400, 400, 'Malformed JSON'), extraHeaders);
				return;
			}
		}

		const routed = route(method, path, query, body);
		const reply = fault?.accept && fault.status !== undefined ? { status: fault.status, body: fault.body, headers: fault.headers } : routed;
		if (fault?.drop === 'before-response') {
			if (record) record.status = undefined;
			req.socket.destroy();
			return;
		}
		send(res, record, reply, extraHeaders);
	};

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ status: 'error', message: `sandbox failure: ${error.message}`, code: 8 }));
			}
		});
	});
	server.keepAliveTimeout = 5000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;

	const sandbox: Sandbox = {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		deliveries,
		contentDeliveries,
		messages,
		stats,
		get webhook() {
			return webhook ? { ...webhook } : undefined;
		},
		async notifyWebhook(body, { contentType = 'application/json' } = {}) {
			if (!webhook) throw new Error('No delivery-status webhook is registered');
			const url = webhook.callbackUrl;
			const payload = typeof body === 'string' ? body : JSON.stringify(body);
			const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body: payload });
			return { url, status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
		},
		countDeliveries: () => new Map(deliveries),
		duplicates: () =>
			[...deliveries, ...contentDeliveries].filter(([, n]) => n > 1).map(([k]) => k),
		requestsTo: (pathPrefix, method) =>
			requests.filter((r) => r.path.startsWith(pathPrefix) && (method === undefined || r.method === method.toUpperCase())),
		setStatus(id, status, description) {
			const m = messages.get(id);
			const deliveryStatusDescription = description ?? STATUS_DESCRIPTIONS[status] ?? status;
			if (m) {
				m.deliveryStatus = status;
				m.deliveryStatusDescription = deliveryStatusDescription;
			} else {
				messages.set(id, { id, destination: '', channel: 'SMS', deliveryStatus: status, deliveryStatusDescription, source: 'qlara' });
			}
		},
		setStatusProgression(id, steps) {
			const m = messages.get(id);
			if (m) {
				m.progression = [...steps];
				m.reads = 0;
			} else {
				messages.set(id, { id, destination: '', channel: 'SMS', deliveryStatus: steps[0] ?? 'SENT', deliveryStatusDescription: '', source: 'qlara', progression: [...steps], reads: 0 });
			}
		},
		injectFaults(list) {
			faults.push(...list.map((f) => ({ ...f })));
		},
		pendingFaults: () => faults.map((f) => ({ ...f })),
		setRejections(map) {
			rejections = { ...rejections, ...map };
		},
		configure(changes) {
			options = { ...options, ...changes };
			if (changes.apiKeys) validKeys = apiKeys();
			if (changes.basic) validBasic = new Set(basicList().map((b) => Buffer.from(`${b.username}:${b.password}`).toString('base64')));
			if (changes.rejections) rejections = { ...changes.rejections };
			if ('rateLimit' in changes) makeBuckets();
		},
		reset() {
			requests.length = 0;
			deliveries.clear();
			contentDeliveries.clear();
			messages.clear();
			stats.requests = 0;
			stats.acceptedMessages = 0;
			stats.rejectedMessages = 0;
			stats.acceptedParts = 0;
			faults = [];
			rejections = { ...(options.rejections ?? {}) };
			webhook = undefined;
			seq = 0;
			makeBuckets();
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	return sandbox;
}
