import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { hexProblem } from './batch';
import { udhLengthProblem, udhOctets } from './encoding';
import { E164_MAX_DIGITS, NUMBER_PLANS } from './numberPlans';

/** A NodeOperationError that names the item (1-based, as the n8n UI shows it) and the field. */
export function invalidField(node: INode, itemIndex: number, field: string, problem: string): NodeOperationError {
	return new NodeOperationError(node, `Item ${itemIndex + 1}: ${field}: ${problem}`, {
		itemIndex,
		description: `Fix the "${field}" field of item ${itemIndex + 1}; nothing was sent for this item.`,
	});
}

const SEPARATORS = /[\s,;]*[,;\n\r]+[\s,;]*/;

/**
 * Splits what n8n users have (an array, a number, or text separated by commas, semicolons or new lines). Numbers
 * stay numbers, so a reader can tell a spreadsheet cell holding a number from text.
 */
export function splitEntries(value: unknown): Array<string | number> {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flatMap((v) => splitEntries(v));
	if (typeof value === 'number') return [value];
	return String(value)
		.split(SEPARATORS)
		.map((s) => s.trim())
		.filter((s) => s.length > 0);
}

/** `splitEntries`, as text. */
export function splitList(value: unknown): string[] {
	return splitEntries(value).map(String);
}

// E.164 allows at most 15 digits; the shortest international mobile numbers have 7 or 8.
const INTERNATIONAL = /^\+[1-9]\d{6,14}$/;

/**
 * What a Default Country Code does with the start of a national number: which trunk prefix (the digits dialled
 * only inside the country) is dropped before the country code goes in front.
 *
 * | Country code | Country | Trunk prefix | Example with the default | Why |
 * | --- | --- | --- | --- | --- |
 * | 39 | Italy | none: a leading 0 is kept | `06 1234567` → `+39061234567`, `3351234567` → `+393351234567` | the 0 of Italian fixed lines is part of the number and is dialled from abroad too; mobiles start with 3 |
 * | 378 | San Marino | none: 0 kept | `0549 123456` → `+3780549123456` | same plan as Italy (0549 is dialled from abroad) |
 * | 379 | Vatican City | none: 0 kept | | reserved, follows the Italian plan |
 * | 225 | Côte d'Ivoire | none: 0 kept | `07 07 123 456` → `+2250707123456` | since 2021 the leading 0 is part of every 10-digit number |
 * | 242 | Republic of the Congo | none: 0 kept | `06 123 4567` → `+242061234567` | numbers start with 0 and keep it from abroad |
 * | 30, 34, 45, 47, 351, 352, 354, 356, 357, 371, 372 | Greece, Spain, Denmark, Norway, Portugal, Luxembourg, Iceland, Malta, Cyprus, Latvia, Estonia | none, and no number starts with 0 | `0612345678` is refused | a leading 0 cannot be a trunk prefix there; it is probably a number of another country (a French 06…), so guessing would text a stranger |
 * | 7 | Russia, Kazakhstan | 8 | `8 912 345 6789` → `+79123456789` | the national trunk prefix is 8, not 0 |
 * | 36 | Hungary | 06 | `06 30 123 4567` → `+36301234567` | the national trunk prefix is 06 |
 * | 1 | USA, Canada, NANP | 1, only on 11 digits | `1 212 555 0100` → `+12125550100` | NANP numbers have 10 digits after the optional trunk 1 |
 * | any other | | 0 | `07911 123456` with 44 → `+447911123456` | the common case (UK, Germany, France, Switzerland …): the 0 is dialled only nationally |
 */
type TrunkRule = { keep: true } | { refuseLeadingZero: true } | { prefix: string; digits?: number };

const TRUNK_RULES: Record<string, TrunkRule> = {
	'39': { keep: true },
	'378': { keep: true },
	'379': { keep: true },
	'225': { keep: true },
	'242': { keep: true },
	'7': { prefix: '8' },
	'36': { prefix: '06' },
	'1': { prefix: '1', digits: 11 },
	...Object.fromEntries(
		['30', '34', '45', '47', '351', '352', '354', '356', '357', '371', '372'].map((code) => [code, { refuseLeadingZero: true }]),
	),
};
const DEFAULT_TRUNK_RULE: TrunkRule = { prefix: '0' };

export interface NormalizedNumber {
	number?: string;
	problem?: string;
	/** True when the number had no international prefix and the default country code was put in front. */
	countryCodeAdded?: boolean;
	/**
	 * True when the number had no international prefix but began with the default country code and could not be a
	 * national number of that country: a spreadsheet dropped its `+`, so it was read as international.
	 */
	countryCodeFound?: boolean;
}

/** The national number with its trunk prefix handled, or why it cannot be made international. */
function nationalPart(digits: string, countryCode: string, raw: string): { national?: string; problem?: string } {
	const rule = TRUNK_RULES[countryCode] ?? DEFAULT_TRUNK_RULE;
	if ('keep' in rule) return { national: digits };
	if ('refuseLeadingZero' in rule) {
		return digits.startsWith('0')
			? {
					problem: `"${raw}" starts with 0, but numbers of country code +${countryCode} never do: it is probably a number of another country. Write it with its country code (+ or 00)`,
				}
			: { national: digits };
	}
	const hasPrefix = digits.startsWith(rule.prefix) && (rule.digits === undefined || digits.length === rule.digits);
	return { national: hasPrefix ? digits.slice(rule.prefix.length) : digits };
}

/**
 * Digits without `+` that begin with the default country code: the national number they stand for when they are
 * an international number with its `+` lost, or undefined when they read as a national number.
 *
 * libphonenumber's rule (PhoneNumberUtil.maybeExtractCountryCode): the code is taken off when the digits as given
 * are no national number of that country and those after the code are one, or when the digits are too long to be
 * one at all. A country without a plan here has only E.164's limit: country code + digits over 15 digits.
 */
function repeatedCountryCode(digits: string, countryCode: string, raw: string): { national?: string; problem?: string } {
	if (!digits.startsWith(countryCode) || digits.length === countryCode.length) return {};
	const rest = nationalPart(digits.slice(countryCode.length), countryCode, raw).national;
	const plan = NUMBER_PLANS[countryCode];
	if (!plan) return countryCode.length + digits.length > E164_MAX_DIGITS ? { national: rest } : {};
	const fits = (value: string | undefined) => value !== undefined && plan.pattern.test(value);
	// NANP's trunk prefix is its country code: `1 212 555 0100` is national, its 1 the trunk prefix.
	if (fits(digits) || fits(nationalPart(digits, countryCode, raw).national)) return {};
	if (fits(rest)) return { national: rest };
	if (digits.length <= plan.maxLength) return {};
	// Too long as a national number and no number of that country without the code either: any guess texts a stranger.
	return {
		problem: `"${raw}" has too many digits for a number of country code +${countryCode}, and without its leading ${countryCode} it is not one either. Check the number, and write it with its country code (+ or 00)`,
	};
}

// Every kind of space (no-break, narrow, figure, ideographic ...), the invisible marks copy and paste leave (zero
// width, direction marks, word joiner, byte order mark), dots, every kind of dash, brackets and slashes.
const NUMBER_SEPARATORS = /[\s\u200B-\u200F\u2060\uFEFF.\-\u2010-\u2015\u2212()[\]{}/]/g;
// 3.93351234567e+11 or 3,93351234567E+11: what a spreadsheet or CSV export makes of a long number.
const EXPONENT_NOTATION = /^\+?\d+(?:[.,]\d+)?e\+?\d+$/i;

/** The text of a number given as a number, or why it cannot be a phone number. */
function numberAsText(value: number): { text?: string; problem?: string } {
	if (Number.isSafeInteger(value) && value > 0) return { text: String(value) };
	return {
		problem: `${String(value)} is a number that cannot hold a phone number (not a whole number, or too large to keep every digit). Give the number as text, for example +393351234567`,
	};
}

/**
 * Normalises a phone number to `+<country code><number>`, or returns a reason it is not one.
 *
 * The one reader of phone numbers for every operation. It takes numbers given as numbers (a spreadsheet cell) and
 * text with any spaces, dots, dashes and brackets between the digits. Exponent notation is refused: the digits it
 * rounded away cannot be recovered. Numbers written with `+` or `00` are taken as they are (only separators and a
 * `(0)` are removed). A number without them is national: it is refused unless `defaultCountryCode` (digits only,
 * see `parseCountryCode`) says which country it belongs to, because guessing the country would send an SMS to a
 * stranger. Digits that begin with that country code and cannot be a national number of the country are an
 * international number whose `+` was lost (`393351234567` with 39), see `repeatedCountryCode`. `(0)`, as in
 * `+39 (0) 335…` or `+44 (0)20…`, marks a trunk prefix that is not dialled from abroad and is always removed:
 * an Italian fixed line keeps its 0 only when written without parentheses (`+39 06…`).
 */
export function normalizePhoneNumber(given: string | number, defaultCountryCode?: string): NormalizedNumber {
	const asText = typeof given === 'number' ? numberAsText(given) : { text: given };
	if (asText.text === undefined) return { problem: asText.problem };
	const raw = asText.text;
	if (EXPONENT_NOTATION.test(raw.replace(NUMBER_SEPARATORS, (c) => (c === '.' ? c : '')))) {
		return {
			problem: `"${raw.trim()}" is in exponent notation: the spreadsheet or CSV export rounded the number, and the digits it dropped cannot be recovered. Format the column as text (or as a whole number) and export it again`,
		};
	}
	let value = raw
		.trim()
		.replace(/\(\s*0\s*\)/g, '')
		.replace(NUMBER_SEPARATORS, '');
	if (value.startsWith('00')) value = `+${value.slice(2)}`;
	if (INTERNATIONAL.test(value)) return { number: value };
	if (/^\d+$/.test(value) && defaultCountryCode) return withDefaultCountryCode(value, defaultCountryCode, raw);
	if (/^\d+$/.test(value)) {
		return {
			problem: `"${raw}" has no international prefix. Write it as +<country code><number>, for example +393351234567 (00 instead of + also works), or set a Default Country Code`,
		};
	}
	return {
		problem: `"${raw}" is not a phone number in international format (+ followed by 7 to 15 digits, for example +393351234567)`,
	};
}

function withDefaultCountryCode(digits: string, countryCode: string, raw: string): NormalizedNumber {
	const found = repeatedCountryCode(digits, countryCode, raw);
	if (found.problem) return { problem: found.problem };
	const { national, problem } = found.national !== undefined ? found : nationalPart(digits, countryCode, raw);
	if (problem) return { problem };
	const number = `+${countryCode}${national}`;
	if (!INTERNATIONAL.test(number)) {
		return {
			problem: `"${raw}" with country code +${countryCode} gives ${number}, which is not a phone number (+ followed by 7 to 15 digits)`,
		};
	}
	return found.national !== undefined ? { number, countryCodeFound: true } : { number, countryCodeAdded: true };
}

/**
 * Reads a Default Country Code as users write it (`39`, `+39`, `0039`, the number 39) into its digits; empty
 * means no default. Calling codes have 1 to 3 digits and never start with 0.
 */
export function parseCountryCode(value: unknown): { countryCode?: string; problem?: string } {
	if (value === undefined || value === null) return {};
	const text = String(value).trim();
	if (text === '') return {};
	const digits = text.replace(/^(\+|00)/, '');
	if (/^[1-9]\d{0,2}$/.test(digits)) return { countryCode: digits };
	return { problem: `"${text}" is not a country calling code: 1 to 3 digits, such as 39 for Italy or 44 for the United Kingdom` };
}

/** Sender rules of agile-api.md §11: up to 11 letters/digits without spaces, or up to 16 digits. */
export function senderProblem(sender: string): string | undefined {
	if (!sender) return 'is required';
	const numeric = sender.replace(/^\+/, '');
	if (/^\d+$/.test(numeric)) {
		return numeric.length <= 16 ? undefined : `"${sender}" has ${numeric.length} digits; a numeric sender has at most 16`;
	}
	if (!/^[A-Za-z0-9]+$/.test(sender)) {
		return `"${sender}" may contain only letters and digits, without spaces or symbols (alphanumeric senders), or only digits`;
	}
	if (sender.length > 11) {
		return `"${sender}" has ${sender.length} characters; an alphanumeric sender has at most 11`;
	}
	return undefined;
}

/** A value that passed a check, or why it did not (the caller names the item and the field). */
export type Checked<T> = { value: T; problem?: undefined } | { problem: string; value?: undefined };

/**
 * One or many phone numbers, normalised, each once: a number repeated within one item would receive the SMS twice
 * (and be billed twice), so repeats are dropped and reported. `kept` are the positions (in the list as given) of the
 * numbers kept, so a list of IDs given alongside can drop the same positions.
 */
export function checkDestinations(
	value: unknown,
	defaultCountryCode?: string,
): Checked<{ numbers: string[]; repeated: string[]; given: number; kept: number[] }> {
	const raw = splitEntries(value);
	if (raw.length === 0) return { problem: 'at least one phone number is required' };
	const numbers: string[] = [];
	const repeated: string[] = [];
	const kept: number[] = [];
	const seen = new Set<string>();
	for (let k = 0; k < raw.length; k++) {
		const { number, problem } = normalizePhoneNumber(raw[k], defaultCountryCode);
		if (!number) return { problem: problem ?? `"${raw[k]}" is not a phone number` };
		if (seen.has(number)) {
			repeated.push(number);
			continue;
		}
		seen.add(number);
		numbers.push(number);
		kept.push(k);
	}
	return { value: { numbers, repeated, given: raw.length, kept } };
}

export function checkSender(value: unknown): Checked<string> {
	const sender = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	const problem = senderProblem(sender);
	return problem ? { problem } : { value: sender };
}

export function checkBody(value: unknown): Checked<string> {
	if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
	if (typeof value !== 'string') return { problem: value === undefined || value === null ? 'is required' : 'must be text' };
	if (value.trim() === '') return { problem: 'is empty' };
	return { value };
}

/**
 * User Data Header hex, the one reader of both sends: empty means none; otherwise whole bytes whose length leaves
 * room for text. Gives the header to send and the octets each part carries for it, so the parts are counted with
 * the header that is sent.
 */
export function checkUdh(value: unknown): Checked<{ udhData?: string; udhOctets: number }> {
	if (value === undefined || value === null) return { value: { udhOctets: 0 } };
	if (typeof value === 'number') {
		// 070645670000 read from a sheet arrives as 70645670000: its leading zeros are gone, and with them the header.
		return {
			problem: `is the number ${String(value)}, not text: a spreadsheet or expression turned the hex into a number and dropped its leading zeros, so the header cannot be recovered. Give the UDH as text (format the column as text), for example 070645670000`,
		};
	}
	if (typeof value !== 'string') return { problem: 'must be text: hex digits, two per byte, for example 070645670000' };
	const udhData = value.trim();
	if (!udhData) return { value: { udhOctets: 0 } };
	const problem = hexProblem(udhData) ?? udhLengthProblem(udhData);
	return problem ? { problem } : { value: { udhData, udhOctets: udhOctets(udhData) } };
}
