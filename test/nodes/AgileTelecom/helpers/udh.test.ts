import { checkUdh } from '../../../../nodes/AgileTelecom/helpers/validation';
import { messageSegmentation } from '../../../../nodes/AgileTelecom/helpers/batch';
import {
	MAX_UDH_OCTETS,
	partCapacity,
	segmentSms,
	udhLengthProblem,
	udhOctets,
} from '../../../../nodes/AgileTelecom/helpers/encoding';

// Worked out by hand from GSM 03.40: 140 octets of user data per part, the UDH included; GSM-7 gets the whole
// septets left after the header (floor(octets × 8 / 7)), UCS-2 half the octets. A concatenated part also
// carries the 5-octet concatenation element, sharing the user's length octet (or with its own when there is
// no user UDH: 6 octets, hence 153 / 67 / 134).
describe('partCapacity', () => {
	test.each([
		['GSM-7', 0, 160, 153],
		['UCS-2', 0, 70, 67],
		['Binary', 0, 140, 134],
		// 134 octets → 1072 bits → 153 septets; concatenated 140 − 11 = 129 octets → 147 septets.
		['GSM-7', 6, 153, 147],
		['UCS-2', 6, 67, 64],
		['Binary', 6, 134, 129],
		// 133 octets → 152 septets; 128 octets → 146 septets (1024 / 7 = 146.3).
		['GSM-7', 7, 152, 146],
		['UCS-2', 7, 66, 64],
		// A bare length octet merges with the concatenation element like no UDH at all.
		['GSM-7', 1, 158, 153],
		// The largest UDH: 7 octets left in one part, 2 in a concatenated one.
		['GSM-7', MAX_UDH_OCTETS, 8, 2],
		['UCS-2', MAX_UDH_OCTETS, 3, 1],
		['Binary', MAX_UDH_OCTETS, 7, 2],
	] as const)('%s with a %i-octet UDH: %i in one part, %i per concatenated part', (encoding, udh, single, multi) => {
		expect(partCapacity(encoding, udh)).toEqual({ single, multi });
	});

	test('a UDH that leaves no room for text is a programming error the caller must prevent', () => {
		expect(MAX_UDH_OCTETS).toBe(133);
		expect(() => partCapacity('GSM-7', MAX_UDH_OCTETS + 1)).toThrow(RangeError);
		expect(() => partCapacity('UCS-2', 140)).toThrow(/at most 133 octets/);
	});
});

describe('udhOctets', () => {
	test.each([
		['', 0],
		// Concatenation header with its own length octet: 05, then 5 octets.
		['050003CC0201', 6],
		['050003cc0201', 6],
		// Port addressing: 06, then 6 octets.
		['06050415810000', 7],
		['00', 1],
		// Agile's documented example does not start with its length (07 ≠ 5): the platform must add one octet.
		['070645670000', 7],
		['FF', 2],
	])('%j takes %i octets per part', (hex, octets) => {
		expect(udhOctets(hex)).toBe(octets);
	});
});

describe('udhLengthProblem', () => {
	test('a header that leaves room for text passes; a longer one is named with its size', () => {
		// 133 octets with their own length octet (0x84 = 132): the largest possible.
		expect(udhLengthProblem(`84${'00'.repeat(132)}`)).toBeUndefined();
		expect(udhLengthProblem('050003CC0201')).toBeUndefined();
		// 133 octets without a matching length octet count 134.
		expect(udhLengthProblem('00'.repeat(133))).toBe('takes 134 octets of the 140 an SMS part carries; at most 133 leave room for text');
	});
});

describe('segmentSms with a user UDH', () => {
	test.each([
		['153 ASCII characters fit one part beside a 6-octet UDH', 'a'.repeat(153), 6, 'GSM-7', 1],
		['154 need two parts of 147', 'a'.repeat(154), 6, 'GSM-7', 2],
		['294 = 147 × 2', 'a'.repeat(294), 6, 'GSM-7', 2],
		['295', 'a'.repeat(295), 6, 'GSM-7', 3],
		['without a UDH, 160 is still one part', 'a'.repeat(160), 0, 'GSM-7', 1],
		['76 € = 152 septets: one part', '€'.repeat(76), 6, 'GSM-7', 1],
		// 154 septets; a 147-septet part holds 73 escape pairs, so 73 + 4.
		['77 € = 154 septets: two parts, pairs never split', '€'.repeat(77), 6, 'GSM-7', 2],
		['67 UCS-2 units: one part', `È${'a'.repeat(66)}`, 6, 'UCS-2', 1],
		['68 UCS-2 units: two parts of 64', `È${'a'.repeat(67)}`, 6, 'UCS-2', 2],
		['129 UCS-2 units: three parts', `È${'a'.repeat(128)}`, 6, 'UCS-2', 3],
		['33 emoji = 66 units: one part', '😀'.repeat(33), 6, 'UCS-2', 1],
		['34 emoji: two parts of 32 surrogate pairs', '😀'.repeat(34), 6, 'UCS-2', 2],
		['a 7-octet UDH (Agile example): 152 in one part', 'a'.repeat(152), 7, 'GSM-7', 1],
		['a 7-octet UDH: 153 need two parts', 'a'.repeat(153), 7, 'GSM-7', 2],
	])('%s', (_name, text, udh, encoding, parts) => {
		expect(segmentSms(text, { udhOctets: udh })).toMatchObject({ encoding, parts });
	});

	test('without options the result is the one of the plain call', () => {
		for (const text of ['', 'abc', 'a'.repeat(161), '€'.repeat(153), '😀'.repeat(67), 'È vero']) {
			expect(segmentSms(text, {})).toEqual(segmentSms(text));
			expect(segmentSms(text, { udhOctets: 0 })).toEqual(segmentSms(text));
		}
	});
});

describe('messageSegmentation with a user UDH', () => {
	const on = { enableUnicode: true, enableConcatenated: true };
	test.each([
		['134 hex bytes beside a 6-octet UDH: one part', '00'.repeat(134), 6, 1],
		['135 bytes: two parts of 129', '00'.repeat(135), 6, 2],
		['258 = 129 × 2', '00'.repeat(258), 6, 2],
		['259', '00'.repeat(259), 6, 3],
		['no UDH: 140 single, 134 per part as before', '00'.repeat(141), 0, 2],
	])('%s', (_name, hex, udh, parts) => {
		expect(messageSegmentation(hex, { hexBody: true, ...on, udhOctets: udh })).toEqual({ encoding: 'Binary', parts });
	});

	test('text bodies count the UDH too, and without concatenation stay one part', () => {
		expect(messageSegmentation('a'.repeat(154), { hexBody: false, ...on, udhOctets: 6 })).toEqual({ encoding: 'GSM-7', parts: 2 });
		expect(messageSegmentation('a'.repeat(154), { hexBody: false, ...on })).toEqual({ encoding: 'GSM-7', parts: 1 });
		expect(
			messageSegmentation('00'.repeat(300), { hexBody: true, enableUnicode: true, enableConcatenated: false, udhOctets: 6 }),
		).toEqual({ encoding: 'Binary', parts: 1 });
	});
});

describe('checkUdh: the one UDH reader of both sends', () => {
	test.each([
		[undefined, { udhOctets: 0 }],
		[null, { udhOctets: 0 }],
		['', { udhOctets: 0 }],
		['   ', { udhOctets: 0 }],
		// Agile Telecom's own example, and a concatenation header; the length octet counts as given.
		['070645670000', { udhData: '070645670000', udhOctets: 7 }],
		[' 050003CC0201 ', { udhData: '050003CC0201', udhOctets: 6 }],
		['050003cc0201', { udhData: '050003cc0201', udhOctets: 6 }],
	])('%j → %j', (value, expected) => {
		expect(checkUdh(value)).toEqual({ value: expected });
	});

	test.each([
		// What a sheet makes of 070645670000: the leading zero is gone, and with it the header.
		[70645670000, 'is the number 70645670000, not text: a spreadsheet or expression turned the hex into a number and dropped its leading zeros, so the header cannot be recovered. Give the UDH as text (format the column as text), for example 070645670000'],
		[0, 'is the number 0, not text: a spreadsheet or expression turned the hex into a number and dropped its leading zeros, so the header cannot be recovered. Give the UDH as text (format the column as text), for example 070645670000'],
		// The same number as text: odd length, refused before sending.
		['70645670000', 'has 11 hex digits; bytes need an even number'],
		['0x0500', 'may contain only the hex digits 0-9 and A-F (two per byte, no spaces or prefixes)'],
		['05 00 03', 'may contain only the hex digits 0-9 and A-F (two per byte, no spaces or prefixes)'],
		[true, 'must be text: hex digits, two per byte, for example 070645670000'],
		[{ udh: '0500' }, 'must be text: hex digits, two per byte, for example 070645670000'],
		['FF'.repeat(134), 'takes 135 octets of the 140 an SMS part carries; at most 133 leave room for text'],
	])('%j is refused: %s', (value, problem) => {
		expect(checkUdh(value)).toEqual({ problem });
	});
});
