// GSM 03.38 default alphabet (3GPP TS 23.038), agile-api.md §10. Written with escapes where the
// character would be invisible or ambiguous in source.
const GSM_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Each of these is sent as ESC + character and so costs two septets.
const GSM_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentation {
	encoding: SmsEncoding;
	/** Septets for GSM-7, UTF-16 code units for UCS-2: what the operator counts. */
	units: number;
	parts: number;
	/** Characters that forced UCS-2 (first few), so a user can replace them to save parts. */
	nonGsmCharacters: string[];
}

/**
 * GSM 03.40: every SMS carries at most 140 octets of user data, and a User Data Header (UDH) takes its share
 * of them. The header starts with its own length octet (UDHL); a long text is split into parts that each
 * carry a concatenation information element (IEI 00, length 03, reference, total, sequence: 5 octets).
 */
const USER_DATA_OCTETS = 140;
const UDHL_OCTETS = 1;
const CONCATENATION_IE_OCTETS = 5;

/** Room for one UCS-2 character or one GSM-7 escape pair. */
const MIN_TEXT_OCTETS = 2;

/** The longest user-supplied UDH that still leaves room for text in a concatenated part. */
export const MAX_UDH_OCTETS = USER_DATA_OCTETS - CONCATENATION_IE_OCTETS - MIN_TEXT_OCTETS;

export interface SegmentOptions {
	/**
	 * Octets of a user-supplied UDH as it travels, its length octet included (`udhOctets()` reads it from the
	 * `udhData` hex). Omitted or 0: no header, the classic 160/153 and 70/67 limits.
	 */
	udhOctets?: number;
}

/**
 * Units one part can carry: septets (GSM-7), UTF-16 code units (UCS-2) or octets (binary, a hex body).
 *
 * A single part carries the user's UDH, if any. When the text needs several parts, each part also carries the
 * network's concatenation element: merged into the user's header, whose length octet it shares, or in a header
 * of its own (UDHL + 5 = 6 octets) when there is none. This is how GSM 03.40 builds a header with several
 * elements, and it gives the familiar 153/67/134 with no UDH. Agile Telecom does not document how it joins a
 * user UDH with its own concatenation; this reading is the one that never undercounts, so a part limit checked
 * against it is never exceeded on the network.
 */
export function partCapacity(encoding: SmsEncoding | 'Binary', udhOctets = 0): { single: number; multi: number } {
	const header = Math.max(0, udhOctets);
	const octets = {
		single: USER_DATA_OCTETS - header,
		multi: USER_DATA_OCTETS - (header > 0 ? header : UDHL_OCTETS) - CONCATENATION_IE_OCTETS,
	};
	if (octets.multi < MIN_TEXT_OCTETS) {
		throw new RangeError(`A UDH of ${udhOctets} octets leaves no room for text; at most ${MAX_UDH_OCTETS} octets are possible`);
	}
	// A GSM-7 header is padded to a septet boundary: the text gets the whole septets left after it.
	const units = (n: number) => (encoding === 'GSM-7' ? Math.floor((n * 8) / 7) : encoding === 'UCS-2' ? Math.floor(n / 2) : n);
	return { single: units(octets.single), multi: units(octets.multi) };
}

/**
 * Octets a `udhData` hex string (already validated as hex) takes in each part. A header that starts with its
 * own length (`050003CC0201`: 05 then 5 octets) counts as given; otherwise the platform has to put the length
 * octet in front, so it counts one more. Agile's own example (`070645670000`) does not start with its length.
 */
export function udhOctets(udhHex: string): number {
	const octets = Math.floor(udhHex.length / 2);
	if (octets === 0) return 0;
	return parseInt(udhHex.slice(0, 2), 16) === octets - UDHL_OCTETS ? octets : octets + UDHL_OCTETS;
}

/**
 * Why a user UDH (already valid hex, see `hexProblem`) cannot be counted: so long that a concatenated part has
 * no room left for text. Undefined when it can.
 */
export function udhLengthProblem(udhHex: string): string | undefined {
	const octets = udhOctets(udhHex);
	if (octets <= MAX_UDH_OCTETS) return undefined;
	return `takes ${octets} octets of the 140 an SMS part carries; at most ${MAX_UDH_OCTETS} leave room for text`;
}

/** Septet cost of one character, or 0 when GSM-7 cannot encode it. */
function gsmCost(char: string): number {
	if (BASIC.has(char)) return 1;
	if (EXTENSION.has(char)) return 2;
	return 0;
}

/** Whether every character of the text is in the GSM 03.38 basic or extension table. */
export function isGsm7(text: string): boolean {
	for (const char of text) if (gsmCost(char) === 0) return false;
	return true;
}

// Printable ASCII that GSM-7 sends as one septet each (not ` nor the extension characters), plus LF and CR.
const ONE_SEPTET_ASCII = /^[\n\r !"#$%&'()*+,\-./0-9:;<=>?@A-Z_a-z]*$/;

/** Parts needed for units of the given costs, never cutting an escape pair or a surrogate pair in two. */
function countParts(unitCosts: number[], multi: number): number {
	let parts = 1;
	let used = 0;
	for (const cost of unitCosts) {
		if (used + cost > multi) {
			parts++;
			used = 0;
		}
		used += cost;
	}
	return parts;
}

/**
 * Counts the SMS parts a text needs, as the network splits it: a GSM-7 escape pair and a UTF-16
 * surrogate pair are never cut across two parts, so a part may carry one unit less than its limit.
 * A user-supplied UDH (`options.udhOctets`) shrinks every part (see `partCapacity`).
 */
export function segmentSms(text: string, options: SegmentOptions = {}): SmsSegmentation {
	// Most texts are plain ASCII: one septet per character and no pair to keep together, so the parts
	// follow from the length. Batch sends run this for every item.
	if (ONE_SEPTET_ASCII.test(text)) {
		const units = text.length;
		const limits = partCapacity('GSM-7', options.udhOctets);
		const parts = units === 0 ? 0 : units <= limits.single ? 1 : Math.ceil(units / limits.multi);
		return { encoding: 'GSM-7', units, parts, nonGsmCharacters: [] };
	}
	const costs: number[] = [];
	const nonGsm: string[] = [];
	for (const char of text) {
		const cost = gsmCost(char);
		if (cost === 0 && nonGsm.length < 5 && !nonGsm.includes(char)) nonGsm.push(char);
		costs.push(cost);
	}
	const encoding: SmsEncoding = nonGsm.length > 0 ? 'UCS-2' : 'GSM-7';
	const unitCosts =
		encoding === 'GSM-7' ? costs : Array.from(text, (char) => char.length /* 2 outside the BMP */);
	const units = unitCosts.reduce((sum, c) => sum + c, 0);
	const limits = partCapacity(encoding, options.udhOctets);
	if (units <= limits.single) return { encoding, units, parts: units === 0 ? 0 : 1, nonGsmCharacters: nonGsm };
	return { encoding, units, parts: countParts(unitCosts, limits.multi), nonGsmCharacters: nonGsm };
}
