import { isGsm7, segmentSms, type SegmentOptions, type SmsEncoding, type SmsSegmentation } from './encoding';

/**
 * Characters that only look unlike GSM-7 and the GSM-7 text sent in their place. One of them in a text turns
 * the whole message into UCS-2 (70 characters per part instead of 160, agile-api.md §10), yet they usually come
 * from a word processor or a copy-paste, not from the writer's intent.
 *
 * | Characters | Code points | Becomes | Why it is safe |
 * | --- | --- | --- | --- |
 * | ‘ ’ ‚ ‛ | U+2018 U+2019 U+201A U+201B | `'` | typographic single quotes and apostrophe |
 * | “ ” „ ‟ | U+201C U+201D U+201E U+201F | `"` | typographic double quotes |
 * | « » | U+00AB U+00BB | `"` | guillemets are double quotation marks (Italian, French) |
 * | ‹ › | U+2039 U+203A | `'` | single guillemets |
 * | ′ ″ | U+2032 U+2033 | `'` `"` | prime marks (feet and inches, minutes and seconds) |
 * | ´ ` ʼ | U+00B4 U+0060 U+02BC | `'` | acute accent, backtick and modifier apostrophe typed as apostrophes (`l´ordine`) |
 * | ‐ ‑ ‒ – — ― − | U+2010 U+2011 U+2012 U+2013 U+2014 U+2015 U+2212 | `-` | hyphens, dashes and the minus sign |
 * | … | U+2026 | `...` | ellipsis |
 * | no-break and other spaces | U+00A0 U+2000–U+200A U+202F U+205F U+3000, tab U+0009 | space | invisible difference |
 * | soft hyphen, zero-width space/joiners, word joiner, BOM | U+00AD U+200B U+200C U+200D U+2060 U+FEFF | removed | invisible |
 * | line and paragraph separators | U+2028 U+2029 | new line | |
 * | • ‣ ⁃ ◦ | U+2022 U+2023 U+2043 U+25E6 | `-` | list bullets |
 * | ⁄ ∕ | U+2044 U+2215 | `/` | fraction and division slash |
 * | ﬀ ﬁ ﬂ ﬃ ﬄ | U+FB00–U+FB04 | ff fi fl ffi ffl | ligatures from PDF copy-paste |
 * | full-width ASCII ！…～ | U+FF01–U+FF5E | the ASCII character (full-width ｀ → `'`) | same character, wider glyph |
 *
 * Before this table, every character is put in NFC form, which turns a decomposed `è` (e + U+0300) into the
 * GSM-7 `è` and the Ångström and ohm signs into `Å` and `Ω`; such compositions are reported like replacements.
 *
 * Not replaced, because no GSM-7 character means the same: uppercase accented letters other than É (È À Ì Ò
 * Ù), ç, °, ×, ·, ™, ©, emoji, and every non-Latin script. A text that contains any of them is left exactly
 * as given: it is UCS-2 either way, and replacing only some characters would change it for nothing.
 */
const LOOK_ALIKES = new Map<string, string>([
	...pairs('\u2018\u2019\u201A\u201B\u2039\u203A\u2032\u00B4\u0060\u02BC', "'"),
	...pairs('\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033', '"'),
	...pairs('\u2010\u2011\u2012\u2013\u2014\u2015\u2212', '-'),
	['\u2026', '...'],
	...pairs('\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\t', ' '),
	...pairs('\u00AD\u200B\u200C\u200D\u2060\uFEFF', ''),
	...pairs('\u2028\u2029', '\n'),
	...pairs('\u2022\u2023\u2043\u25E6', '-'),
	...pairs('\u2044\u2215', '/'),
	['\uFB00', 'ff'],
	['\uFB01', 'fi'],
	['\uFB02', 'fl'],
	['\uFB03', 'ffi'],
	['\uFB04', 'ffl'],
]);

const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xfee0;

function pairs(characters: string, replacement: string): Array<[string, string]> {
	return Array.from(characters, (character) => [character, replacement]);
}

/** The GSM-7 text for one character: itself, its look-alike replacement, or undefined when it has none. */
function gsmEquivalent(character: string): string | undefined {
	if (isGsm7(character)) return character;
	const known = LOOK_ALIKES.get(character);
	if (known !== undefined) return known;
	const code = character.codePointAt(0) ?? 0;
	if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST) {
		const ascii = String.fromCodePoint(code - FULL_WIDTH_OFFSET);
		return isGsm7(ascii) ? ascii : LOOK_ALIKES.get(ascii);
	}
	return undefined;
}

export interface SmartReplacement {
	/** The character as it was in the text (a base letter with its combining mark for a composition). */
	character: string;
	/** Its code points, e.g. `U+2019`, or `U+0065 U+0300` for a decomposed è. */
	codePoint: string;
	/** What was sent instead; empty for an invisible character that was removed. */
	replacement: string;
	count: number;
}

/** Why a text was sent as given. */
export type SmartEncodingSkip = 'alreadyGsm7' | 'nonGsmCharacters' | 'moreParts';

export interface SmartEncodingResult {
	/** The text to send: the GSM-7 version when `changed`, otherwise the text exactly as given. */
	text: string;
	changed: boolean;
	/** In order of first appearance; empty when nothing changed. */
	replacements: SmartReplacement[];
	/** Segmentation of the text as given, and of `text`. */
	before: SmsSegmentation;
	after: SmsSegmentation;
	skipped?: SmartEncodingSkip;
	/** For `nonGsmCharacters`: the characters (first five) that keep the text UCS-2. */
	blockingCharacters?: string[];
}

// A base character with the combining marks that follow it (or marks with no base, at the start).
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;

function codePoints(text: string): string {
	return Array.from(text, (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** The GSM-7 version of the text with the replacements made, or the characters that have no GSM-7 equivalent. */
function toGsm7(text: string): { gsm: string; replacements: SmartReplacement[] } | { blocking: string[] } {
	const replacements = new Map<string, SmartReplacement>();
	const blocking: string[] = [];
	let gsm = '';
	const record = (character: string, replacement: string) => {
		const entry = replacements.get(character);
		if (entry) entry.count++;
		else replacements.set(character, { character, codePoint: codePoints(character), replacement, count: 1 });
	};
	for (const cluster of text.match(CLUSTER) ?? []) {
		const composed = cluster.normalize('NFC');
		let converted = '';
		for (const character of composed) {
			const equivalent = gsmEquivalent(character);
			if (equivalent === undefined) {
				if (blocking.length < 5 && !blocking.includes(character)) blocking.push(character);
				continue;
			}
			if (equivalent !== character && composed === cluster) record(character, equivalent);
			converted += equivalent;
		}
		// A composition is reported once for the whole cluster, with what it finally became.
		if (composed !== cluster) record(cluster, converted);
		gsm += converted;
	}
	return blocking.length > 0 ? { blocking } : { gsm, replacements: [...replacements.values()] };
}

/**
 * Smart encoding: when a text is GSM-7 except for look-alike characters (see the table above), returns its
 * GSM-7 version and what was replaced, so it is sent at 160 characters per part instead of 70. Text with a
 * real non-GSM character (emoji, Cyrillic, Chinese, È …) is returned exactly as given, and so is a text whose
 * GSM-7 version would need more parts (a text full of "…", each of which becomes three characters).
 * `options.udhOctets` counts a user-supplied UDH in both part counts.
 */
export function smartEncode(text: string, options: SegmentOptions = {}): SmartEncodingResult {
	const before = segmentSms(text, options);
	const unchanged = (skipped: SmartEncodingSkip, blockingCharacters?: string[]): SmartEncodingResult => ({
		text,
		changed: false,
		replacements: [],
		before,
		after: before,
		skipped,
		...(blockingCharacters ? { blockingCharacters } : {}),
	});
	if (before.encoding === 'GSM-7') return unchanged('alreadyGsm7');
	const converted = toGsm7(text);
	if ('blocking' in converted) return unchanged('nonGsmCharacters', converted.blocking);
	const after = segmentSms(converted.gsm, options);
	if (after.parts > before.parts) return unchanged('moreParts');
	return { text: converted.gsm, changed: true, replacements: converted.replacements, before, after };
}

/** What an output item says about smart encoding: plain JSON, for the `smartEncoding` field of a send's output. */
export interface SmartEncodingReport {
	applied: boolean;
	replacements: SmartReplacement[];
	encodingBefore: SmsEncoding;
	partsBefore: number;
	encodingAfter: SmsEncoding;
	partsAfter: number;
	/** Why nothing was replaced, in words, when nothing was. */
	note?: string;
}

function skipNote(result: SmartEncodingResult): string | undefined {
	switch (result.skipped) {
		case 'alreadyGsm7':
			return 'The text is already GSM-7: nothing to replace.';
		case 'nonGsmCharacters':
			return `Sent as written: the text has characters GSM-7 does not have (${(result.blockingCharacters ?? []).join(' ')}), so it is UCS-2 in any case.`;
		case 'moreParts':
			return 'Sent as written: the GSM-7 version would need more parts (each … becomes three characters).';
		default:
			return undefined;
	}
}

export function smartEncodingReport(result: SmartEncodingResult): SmartEncodingReport {
	const note = skipNote(result);
	return {
		applied: result.changed,
		replacements: result.replacements.map((r) => ({ ...r })),
		encodingBefore: result.before.encoding,
		partsBefore: result.before.parts,
		encodingAfter: result.after.encoding,
		partsAfter: result.after.parts,
		...(note ? { note } : {}),
	};
}
