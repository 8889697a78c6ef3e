import { destinationStatusMeaning } from '../transport/errors';
import { isGsm7, partCapacity, segmentSms, type SmsEncoding } from './encoding';
import { isObject } from './values';

/**
 * Batching defaults (README "Send Batch"). 500 messages per request keeps a typical request (one destination,
 * one-part text, a 36-character id) near 150 KB: far below the 1 MB body limit common in front of HTTP APIs
 * (nginx's default), while 10,000 rows still need only 20 requests. A request that is too large anyway is
 * split on 413, and a failed request (5xx, timeout) leaves at most 500 items in doubt.
 */
export const BATCH_DEFAULTS = {
	messagesPerRequest: 500,
	// Bounds the body when items carry long destination lists (5,000 numbers + ids ≈ 300 KB).
	maxDestinationsPerRequest: 5000,
	// Four requests in flight hide the round trip: with 10,000 items and a 20 ms answer, two leave the node waiting
	// for most of its time (bench:n8n: 790-860 ms against 520-635 ms). At a 100 ms round trip four are 40 requests/s,
	// far inside the "some hundreds of submissions/s per API key" Agile Telecom plans for (agile-api.md §9).
	concurrency: 4,
} as const;

export const MAX_CONCURRENCY = 20;

/** API defaults of the request-level fields (agile-api.md §3.1). */
export const API_DEFAULTS = {
	maxIdLen: 64,
	enableConcatenated: true,
	enableUnicode: true,
	enableDelivery: true,
	simulation: false,
} as const;

/** One entry of `messages[]` (agile-api.md §3.2), keys in the documented order. */
export type BatchMessage = {
	destinations: string[];
	ids: string[];
	sender: string;
	body: string;
	hexBody?: boolean;
	udhData?: string;
	scheduling?: string;
};

export type BatchRequestBody = {
	globalId: string;
	maxIdLen?: number;
	enableConcatenated?: boolean;
	enableUnicode?: boolean;
	enableDelivery?: boolean;
	simulation?: boolean;
	skipRcsOverride?: boolean;
	messages: BatchMessage[];
};

/** Wholesale success shape (agile-api.md §3.3 a). */
export interface WholesaleResult {
	destination?: string;
	id?: string;
	accepted?: boolean;
	statusCode?: number | string;
}

/** Both documented success shapes (§3.3 a and b); every field optional because either may be missing. */
export interface BatchResponse {
	globalId?: string;
	accepted?: boolean;
	results?: WholesaleResult[];
	processedMessages?: number;
	processedSmsParts?: number;
	credit?: number;
}

export type DestinationResult = {
	destination: string;
	id: string;
	/** true: the server accepted it; false: it did not; null: the answer does not say. */
	accepted: boolean | null;
	/** The per-destination status the server sent, or null when it sent none (never invented). */
	statusCode: number | null;
	/** The documented meaning of statusCode (agile-api.md §8.2). */
	status: string;
	/** The submission that carried this destination, when it is not the item's first (a resend). */
	globalId?: string;
};

export interface ParsedBatchResponse {
	globalId: string;
	credit?: number;
	processedMessages?: number;
	processedSmsParts?: number;
	/** One list per sent message, in the order of its destinations. */
	results: DestinationResult[][];
	/** Set when the response does not say clearly which destinations were accepted. */
	warning?: string;
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** Why a value is not usable as hex bytes, or undefined. */
export function hexProblem(value: string): string | undefined {
	if (HEX.test(value)) return undefined;
	if (/^[0-9a-fA-F]*$/.test(value)) return `has ${value.length} hex digits; bytes need an even number`;
	return 'may contain only the hex digits 0-9 and A-F (two per byte, no spaces or prefixes)';
}

/**
 * Packs messages, in input order, into requests of at most `messagesPerRequest` messages and
 * `maxDestinations` destinations. Returns [start, end) ranges, so a 413 can halve a range without copying.
 */
export function packRequests(
	destinationCounts: ArrayLike<number>,
	messagesPerRequest: number,
	maxDestinations: number,
): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	let start = 0;
	let destinations = 0;
	for (let i = 0; i < destinationCounts.length; i++) {
		const count = destinationCounts[i];
		const full = i - start >= messagesPerRequest || destinations + count > maxDestinations;
		if (i > start && full) {
			ranges.push([start, i]);
			start = i;
			destinations = 0;
		}
		destinations += count;
	}
	if (destinationCounts.length > start) ranges.push([start, destinationCounts.length]);
	return ranges;
}


function statusOf(result: WholesaleResult): number | null {
	if (result.statusCode === undefined || result.statusCode === null) return null;
	const n = Number(result.statusCode);
	return Number.isFinite(n) ? n : null;
}

/** The result's own verdict, else its status's: a 2xx status is an acceptance (agile-api.md §8.2). */
function acceptedOf(result: WholesaleResult): boolean | null {
	if (typeof result.accepted === 'boolean') return result.accepted;
	const statusCode = statusOf(result);
	return statusCode === null ? null : statusCode >= 200 && statusCode < 300;
}

function fromWholesale(result: WholesaleResult | undefined, destination: string, id: string): DestinationResult {
	if (!result) return { destination, id, accepted: null, statusCode: null, status: 'missing from the response' };
	const statusCode = statusOf(result);
	const accepted = acceptedOf(result);
	return {
		destination,
		id: typeof result.id === 'string' && result.id ? result.id : id,
		accepted,
		statusCode,
		status: statusCode === null && accepted !== null ? (accepted ? 'accepted' : 'not accepted') : destinationStatusMeaning(statusCode),
	};
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const UNCLEAR =
	'check the delivery reports before sending any of them again: sending again may deliver them twice';

/** Every destination of the request with the same verdict (the answer says nothing per destination). */
function uniform(messages: BatchMessage[], accepted: boolean | null, status: string): DestinationResult[][] {
	return messages.map((m) =>
		m.destinations.map((destination, i): DestinationResult => ({ destination, id: m.ids[i], accepted, statusCode: null, status })),
	);
}

/** The same number, whether or not the answer writes its leading + (the older examples have none, agile-api.md §3.2). */
function numberKey(destination: string): string {
	return destination.startsWith('+') ? destination.slice(1) : destination;
}

/** What was sent, flattened in request order: the order the documented answer lists its results in. */
interface Sent {
	destination: string;
	id: string;
}

/**
 * Pairs each sent SMS with at most one result, and each result with at most one SMS, so no SMS ever carries
 * another one's verdict. An id of ours is the strongest evidence, wherever it stands; then position, when the answer
 * lists one result per destination sent and the destination agrees (whatever id the server gave it); then the
 * destination, for the results left.
 */
class ResultMatcher {
	readonly matched: Array<WholesaleResult | undefined>;
	/** SMS whose number has results left that cannot be told apart: they stay unknown rather than guessed. */
	readonly ambiguous = new Set<number>();
	private readonly used: boolean[];
	private readonly byId = new Map<string, number>();

	constructor(
		private readonly list: WholesaleResult[],
		private readonly sent: Sent[],
	) {
		this.matched = new Array<WholesaleResult | undefined>(sent.length);
		this.used = new Array<boolean>(list.length).fill(false);
		sent.forEach(({ id }, k) => this.byId.set(id, k));
	}

	match(): this {
		this.byOurIds();
		if (this.list.length === this.sent.length) this.byPosition();
		this.byDestination();
		return this;
	}

	private claim(k: number, j: number): void {
		this.matched[k] = this.list[j];
		this.used[j] = true;
	}

	/** The result says nothing against this SMS: no other number, and no id of another SMS of ours. */
	private fits(result: WholesaleResult, k: number): boolean {
		if (typeof result.destination === 'string' && numberKey(result.destination) !== numberKey(this.sent[k].destination)) return false;
		const owner = typeof result.id === 'string' ? this.byId.get(result.id) : undefined;
		return owner === undefined || owner === k;
	}

	private byOurIds(): void {
		this.list.forEach((result, j) => {
			const k = typeof result.id === 'string' ? this.byId.get(result.id) : undefined;
			if (k !== undefined && this.matched[k] === undefined && this.fits(result, k)) this.claim(k, j);
		});
	}

	private byPosition(): void {
		this.sent.forEach((_, k) => {
			if (this.matched[k] === undefined && !this.used[k] && this.fits(this.list[k], k)) this.claim(k, k);
		});
	}

	/**
	 * The results left for a number go, in order, to the SMS left for it, when that cannot change a verdict: as many
	 * results as SMS, or results that all say the same and cover them all. Otherwise which SMS each one speaks for
	 * is a guess, and a wrong guess resends an accepted SMS or reports a refused one as accepted.
	 */
	private byDestination(): void {
		const left = new Map<string, { results: number[]; sms: number[] }>();
		const group = (destination: string) => {
			const key = numberKey(destination);
			let entry = left.get(key);
			if (!entry) left.set(key, (entry = { results: [], sms: [] }));
			return entry;
		};
		this.list.forEach((result, j) => {
			if (this.used[j] || typeof result.destination !== 'string') return;
			if (typeof result.id === 'string' && this.byId.has(result.id)) return;
			group(result.destination).results.push(j);
		});
		this.sent.forEach(({ destination }, k) => {
			if (this.matched[k] === undefined) left.get(numberKey(destination))?.sms.push(k);
		});
		for (const { results, sms } of left.values()) {
			if (sms.length === 0) continue;
			const verdicts = new Set(results.map((j) => `${String(acceptedOf(this.list[j]))}/${String(statusOf(this.list[j]))}`));
			const safe = results.length === sms.length || (verdicts.size === 1 && results.length >= sms.length);
			if (safe) sms.forEach((k, n) => this.claim(k, results[n]));
			else sms.forEach((k) => this.ambiguous.add(k));
		}
	}
}

function fromResults(list: WholesaleResult[], messages: BatchMessage[]): DestinationResult[][] {
	const sent: Sent[] = [];
	for (const m of messages) m.destinations.forEach((destination, i) => sent.push({ destination, id: m.ids[i] }));
	const { matched, ambiguous } = new ResultMatcher(list, sent).match();
	let k = 0;
	return messages.map((m) =>
		m.destinations.map((destination, i) => {
			const n = k++;
			if (ambiguous.has(n)) {
				return { destination, id: m.ids[i], accepted: null, statusCode: null, status: 'not told apart in the response' };
			}
			return fromWholesale(matched[n], destination, m.ids[i]);
		}),
	);
}

/**
 * The legacy counters (§3.3 b) say how many were processed, and the docs never say whether `processedMessages`
 * counts destinations or `messages[]` entries (§16.1). Only a count that covers every destination proves every one
 * was accepted under both readings; anything less cannot say which were, so all stay unknown.
 */
function fromCounters(processed: number, messages: BatchMessage[], total: number): Pick<ParsedBatchResponse, 'results' | 'warning'> {
	if (processed >= total) return { results: uniform(messages, true, 'accepted') };
	const reading =
		processed >= messages.length
			? `it counted ${processed} for ${count(messages.length, 'message')} to ${count(total, 'destination')}, and does not say whether it counts destinations or messages`
			: `it processed ${processed} of the ${total} destinations without saying which`;
	return { results: uniform(messages, null, 'unknown'), warning: `Agile Telecom answered, but ${reading}: ${UNCLEAR}` };
}

/**
 * Reads the answer to a messages[] request into per-destination results. Acceptance is said only where the server
 * said it: a 2xx whose body has no recognised shape (an HTML page from a proxy, `{}`) leaves every destination
 * unknown, with a warning, rather than reporting SMS as accepted that may never have been.
 */
export function readBatchResponse(body: unknown, messages: BatchMessage[], sentGlobalId: string): ParsedBatchResponse {
	const b: BatchResponse = isObject(body) ? (body as BatchResponse) : {};
	const parsed: ParsedBatchResponse = {
		globalId: typeof b.globalId === 'string' && b.globalId ? b.globalId : sentGlobalId,
		results: [],
	};
	if (typeof b.credit === 'number') parsed.credit = b.credit;
	if (typeof b.processedMessages === 'number') parsed.processedMessages = b.processedMessages;
	if (typeof b.processedSmsParts === 'number') parsed.processedSmsParts = b.processedSmsParts;
	let total = 0;
	for (const m of messages) total += m.destinations.length;

	if (Array.isArray(b.results)) {
		parsed.results = fromResults(b.results.filter(isObject) as WholesaleResult[], messages);
		if (parsed.results.some((list) => list.some((r) => r.accepted === null))) {
			parsed.warning = `The answer has no clear result for some destinations of this request: ${UNCLEAR}`;
		}
		return parsed;
	}
	if (parsed.processedMessages !== undefined && Number.isFinite(parsed.processedMessages)) {
		return { ...parsed, ...fromCounters(parsed.processedMessages, messages, total) };
	}
	// A top-level verdict without results speaks for the whole request only when it carried a single destination.
	if (typeof b.accepted === 'boolean' && total === 1) {
		parsed.results = uniform(messages, b.accepted, b.accepted ? 'accepted' : 'not accepted');
		return parsed;
	}
	parsed.results = uniform(messages, null, 'unknown');
	parsed.warning = `Agile Telecom answered ${isObject(body) ? 'with a body that has no result per destination' : 'with a body that is not JSON'}: ${UNCLEAR}`;
	return parsed;
}


export type BatchEncoding = SmsEncoding | 'Binary';

const GSM_REPLACEMENT = '?';

/**
 * Encoding and parts as the platform will bill them, following the request options: without concatenation
 * the text is truncated to one part, without Unicode non-GSM characters are removed or replaced (§3.1), so
 * counted here as one septet each (the upper bound). A hex body is raw bytes: 140 per part, 134 once split.
 * A user-supplied UDH (`udhOctets`, see `udhOctets()` in encoding.ts) shrinks every part (`partCapacity`).
 */
export function messageSegmentation(
	text: string,
	options: { hexBody: boolean; enableUnicode: boolean; enableConcatenated: boolean; udhOctets?: number },
): { encoding: BatchEncoding; parts: number } {
	let encoding: BatchEncoding;
	let parts: number;
	const udh = { udhOctets: options.udhOctets };
	if (options.hexBody) {
		const bytes = text.length / 2;
		const limits = partCapacity('Binary', options.udhOctets);
		encoding = 'Binary';
		parts = bytes === 0 ? 0 : bytes <= limits.single ? 1 : Math.ceil(bytes / limits.multi);
	} else {
		let segmentation = segmentSms(text, udh);
		if (segmentation.encoding === 'UCS-2' && !options.enableUnicode) {
			const gsmOnly = Array.from(text, (char) => (isGsm7(char) ? char : GSM_REPLACEMENT)).join('');
			segmentation = segmentSms(gsmOnly, udh);
		}
		encoding = segmentation.encoding;
		parts = segmentation.parts;
	}
	return { encoding, parts: options.enableConcatenated ? parts : Math.min(parts, 1) };
}
