import { segmentSms } from '../../../../nodes/AgileTelecom/helpers/encoding';
import { smartEncode, smartEncodingReport } from '../../../../nodes/AgileTelecom/helpers/smartEncoding';

// Every row of the table in smartEncoding.ts, one character at a time inside otherwise GSM-7 text.
describe('smartEncode: each look-alike becomes its GSM-7 equivalent', () => {
	test.each([
		['\u2018', "'"],
		['\u2019', "'"],
		['\u201A', "'"],
		['\u201B', "'"],
		['\u201C', '"'],
		['\u201D', '"'],
		['\u201E', '"'],
		['\u201F', '"'],
		['\u00AB', '"'],
		['\u00BB', '"'],
		['\u2039', "'"],
		['\u203A', "'"],
		['\u2032', "'"],
		['\u2033', '"'],
		['\u00B4', "'"],
		['`', "'"],
		['\u02BC', "'"],
		['\u2010', '-'],
		['\u2011', '-'],
		['\u2012', '-'],
		['\u2013', '-'],
		['\u2014', '-'],
		['\u2015', '-'],
		['\u2212', '-'],
		['\u2026', '...'],
		['\u00A0', ' '],
		['\u2000', ' '],
		['\u2003', ' '],
		['\u2007', ' '],
		['\u2009', ' '],
		['\u200A', ' '],
		['\u202F', ' '],
		['\u205F', ' '],
		['\u3000', ' '],
		['\t', ' '],
		['\u00AD', ''],
		['\u200B', ''],
		['\u200C', ''],
		['\u200D', ''],
		['\u2060', ''],
		['\uFEFF', ''],
		['\u2028', '\n'],
		['\u2029', '\n'],
		['\u2022', '-'],
		['\u2023', '-'],
		['\u2043', '-'],
		['\u25E6', '-'],
		['\u2044', '/'],
		['\u2215', '/'],
		['\uFB00', 'ff'],
		['\uFB01', 'fi'],
		['\uFB02', 'fl'],
		['\uFB03', 'ffi'],
		['\uFB04', 'ffl'],
		['\uFF01', '!'],
		['\uFF21', 'A'],
		['\uFF41', 'a'],
		['\uFF10', '0'],
		['\uFF3B', '['],
		['\uFF5E', '~'],
		['\uFF40', "'"],
	])('U+%s', (character, replacement) => {
		const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
		const result = smartEncode(`a${character}b`);
		expect(result).toMatchObject({ text: `a${replacement}b`, changed: true });
		expect(result.replacements).toEqual([{ character, codePoint: code, replacement, count: 1 }]);
		expect(result.before.encoding).toBe('UCS-2');
		expect(result.after.encoding).toBe('GSM-7');
	});
});

describe('smartEncode: what is left alone', () => {
	test.each([
		['emoji', 'Ciao “Anna” 😀', ['😀']],
		['Cyrillic', 'Привет – мир', ['П', 'р', 'и', 'в', 'е']],
		['Chinese', '你好 “world”', ['你', '好']],
		['uppercase È', 'È “vero”', ['È']],
		['uppercase À Ì Ò Ù', 'À Ì Ò Ù', ['À', 'Ì', 'Ò', 'Ù']],
		['a decomposed È is È', 'E\u0300 vero', ['È']],
		['a letter with a mark that has no precomposed form', 'q\u0301 – x', ['\u0301']],
		['degree sign', '20° – oggi', ['°']],
		['lowercase ç', 'ça – va', ['ç']],
		['a keycap emoji (digit, VS16, keycap)', '1\uFE0F\u20E3 ok', ['\uFE0F', '\u20E3']],
	])('%s: the text is sent exactly as given', (_name, text, blocking) => {
		const result = smartEncode(text);
		expect(result).toEqual({
			text,
			changed: false,
			replacements: [],
			before: segmentSms(text),
			after: segmentSms(text),
			skipped: 'nonGsmCharacters',
			blockingCharacters: blocking,
		});
	});

	test('GSM-7 text (Italian lowercase accents, € and brackets included) is untouched', () => {
		const text = 'Perché è già là: 10€ [sconto] {ok}';
		expect(smartEncode(text)).toMatchObject({ text, changed: false, replacements: [], skipped: 'alreadyGsm7' });
	});

	test('a replacement that would need more parts is not made: 67 × … is one UCS-2 part, 201 GSM-7 septets are two', () => {
		const text = '…'.repeat(67);
		const result = smartEncode(text);
		expect(result).toMatchObject({ text, changed: false, skipped: 'moreParts' });
		expect(result.before).toMatchObject({ encoding: 'UCS-2', parts: 1 });
		expect(segmentSms('...'.repeat(67)).parts).toBe(2);
	});

	test('equal parts are still replaced: GSM-7 costs no more and is safe on every handset', () => {
		const result = smartEncode('…'.repeat(50));
		expect(result).toMatchObject({ text: '...'.repeat(50), changed: true });
		expect([result.before.parts, result.after.parts]).toEqual([1, 1]);
	});
});

describe('smartEncode: NFC first', () => {
	test.each([
		['decomposed è (e + U+0300)', 'perche\u0300', 'perchè', 'e\u0300', 'U+0065 U+0300', 'è'],
		['decomposed é', 'caffe\u0301', 'caffé', 'e\u0301', 'U+0065 U+0301', 'é'],
		['decomposed ü', 'Mu\u0308nchen', 'München', 'u\u0308', 'U+0075 U+0308', 'ü'],
		['Ångström sign', '\u212B', 'Å', '\u212B', 'U+212B', 'Å'],
		['ohm sign', '5 \u2126', '5 Ω', '\u2126', 'U+2126', 'Ω'],
	])('%s', (_name, text, expected, character, codePoint, replacement) => {
		const result = smartEncode(text);
		expect(result).toMatchObject({ text: expected, changed: true });
		expect(result.replacements).toEqual([{ character, codePoint, replacement, count: 1 }]);
		expect(result.after.encoding).toBe('GSM-7');
	});
});

describe('smartEncode: counts and parts', () => {
	test('each character is listed once, with how often it was replaced, in order of first appearance', () => {
		const result = smartEncode('“Ciao” – l’ordine è pronto… “grazie”');
		expect(result.text).toBe('"Ciao" - l\'ordine è pronto... "grazie"');
		expect(result.replacements.map((r) => [r.character, r.replacement, r.count])).toEqual([
			['“', '"', 2],
			['”', '"', 2],
			['–', '-', 1],
			['’', "'", 1],
			['…', '...', 1],
		]);
	});

	test('a 100-character text with one curly apostrophe: 2 UCS-2 parts before, 1 GSM-7 part after', () => {
		const text = `L’offerta${' x'.repeat(45)}!`;
		expect(text).toHaveLength(100);
		const result = smartEncode(text);
		expect(result.before).toMatchObject({ encoding: 'UCS-2', units: 100, parts: 2 });
		expect(result.after).toMatchObject({ encoding: 'GSM-7', units: 100, parts: 1 });
	});

	test('a user UDH is counted in both part counts', () => {
		// 140 characters: GSM-7 beside a 6-octet UDH holds 153 in one part; UCS-2 holds 67, then 64 per part.
		const text = `’${'a'.repeat(139)}`;
		const result = smartEncode(text, { udhOctets: 6 });
		expect([result.before.parts, result.after.parts]).toEqual([3, 1]);
		expect(smartEncode(text).before.parts).toBe(3);
	});
});

describe('worked example (for the README "Cost and list hygiene" section)', () => {
	test('a 133-character promotion with curly quotes, an en dash, an apostrophe and an ellipsis: 2 UCS-2 parts → 1 GSM-7 part', () => {
		const text =
			'Ciao Anna, la tua “Offerta Estate” è attiva: –20% su tutto fino a domenica. L’app ti aspetta… Rispondi STOP per non ricevere più SMS.';
		const result = smartEncode(text);
		expect(text).toHaveLength(133);
		expect(result.text).toBe(
			'Ciao Anna, la tua "Offerta Estate" è attiva: -20% su tutto fino a domenica. L\'app ti aspetta... Rispondi STOP per non ricevere più SMS.',
		);
		expect(result.before).toEqual({ encoding: 'UCS-2', units: 133, parts: 2, nonGsmCharacters: ['“', '”', '–', '’', '…'] });
		expect(result.after).toEqual({ encoding: 'GSM-7', units: 135, parts: 1, nonGsmCharacters: [] });
		expect(result.replacements.map((r) => `${r.character}→${r.replacement}`)).toEqual(['“→"', '”→"', '–→-', "’→'", '…→...']);
	});
});

describe('smartEncodingReport', () => {
	test('applied: the replacements and the parts before and after', () => {
		expect(smartEncodingReport(smartEncode('It’s “great”'))).toEqual({
			applied: true,
			replacements: [
				{ character: '’', codePoint: 'U+2019', replacement: "'", count: 1 },
				{ character: '“', codePoint: 'U+201C', replacement: '"', count: 1 },
				{ character: '”', codePoint: 'U+201D', replacement: '"', count: 1 },
			],
			encodingBefore: 'UCS-2',
			partsBefore: 1,
			encodingAfter: 'GSM-7',
			partsAfter: 1,
		});
	});

	test.each([
		['Hello', 'GSM-7', 1, 'The text is already GSM-7: nothing to replace.'],
		['È “vero” 😀', 'UCS-2', 1, 'Sent as written: the text has characters GSM-7 does not have (È 😀), so it is UCS-2 in any case.'],
		[
			'…'.repeat(67),
			'UCS-2',
			1,
			'Sent as written: the GSM-7 version would need more parts (each … becomes three characters).',
		],
	])('not applied to %j: says why', (text, encoding, parts, note) => {
		expect(smartEncodingReport(smartEncode(text))).toEqual({
			applied: false,
			replacements: [],
			encodingBefore: encoding,
			partsBefore: parts,
			encodingAfter: encoding,
			partsAfter: parts,
			note,
		});
	});
});
