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

const LIMITS = {
	'GSM-7': { single: 160, multi: 153 },
	'UCS-2': { single: 70, multi: 67 },
} as const;

/** Septet cost of one character, or 0 when GSM-7 cannot encode it. */
function gsmCost(char: string): number {
	if (BASIC.has(char)) return 1;
	if (EXTENSION.has(char)) return 2;
	return 0;
}

// Printable ASCII that GSM-7 sends as one septet each (not ` nor the extension characters), plus LF and CR.
const ONE_SEPTET_ASCII = /^[\n\r !"#$%&'()*+,\-./0-9:;<=>?@A-Z_a-z]*$/;

/**
 * Counts the SMS parts a text needs, as the network splits it: a GSM-7 escape pair and a UTF-16
 * surrogate pair are never cut across two parts, so a part may carry one unit less than its limit.
 */
export function segmentSms(text: string): SmsSegmentation {
	// Most texts are plain ASCII: one septet per character and no pair to keep together, so the parts
	// follow from the length. Batch sends run this for every item.
	if (ONE_SEPTET_ASCII.test(text)) {
		const units = text.length;
		const parts = units === 0 ? 0 : units <= LIMITS['GSM-7'].single ? 1 : Math.ceil(units / LIMITS['GSM-7'].multi);
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
	const limits = LIMITS[encoding];
	if (units <= limits.single) return { encoding, units, parts: units === 0 ? 0 : 1, nonGsmCharacters: nonGsm };
	let parts = 1;
	let used = 0;
	for (const cost of unitCosts) {
		if (used + cost > limits.multi) {
			parts++;
			used = 0;
		}
		used += cost;
	}
	return { encoding, units, parts, nonGsmCharacters: nonGsm };
}
