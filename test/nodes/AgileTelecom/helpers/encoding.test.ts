import { segmentSms } from '../../../../nodes/AgileTelecom/helpers/encoding';

// Expected values are worked out by hand from agile-api.md §10: GSM-7 160 / 153 septets, UCS-2 70 / 67
// units, extension characters cost 2 septets, characters outside the BMP 2 units, and neither an escape
// pair nor a surrogate pair is split across two parts.
describe('segmentSms', () => {
	test.each([
		['empty text', '', 'GSM-7', 0, 0],
		['plain ASCII', 'Hello, world!', 'GSM-7', 13, 1],
		['160 GSM-7 characters: one part', 'a'.repeat(160), 'GSM-7', 160, 1],
		['161: two parts of at most 153', 'a'.repeat(161), 'GSM-7', 161, 2],
		['306 = 153 × 2', 'a'.repeat(306), 'GSM-7', 306, 2],
		['307', 'a'.repeat(307), 'GSM-7', 307, 3],
		['459 = 153 × 3', 'a'.repeat(459), 'GSM-7', 459, 3],
		['460', 'a'.repeat(460), 'GSM-7', 460, 4],
		['CR LF and GSM symbols @£$¥', 'a\r\nb @£$¥§¿¡', 'GSM-7', 12, 1],
		['Italian lowercase accents are GSM-7', 'perché è già là, più o meno', 'GSM-7', 27, 1],
		['160 × è is one part', 'è'.repeat(160), 'GSM-7', 160, 1],
		['161 × è is two parts', 'è'.repeat(161), 'GSM-7', 161, 2],
		['uppercase É is GSM-7', 'É'.repeat(10), 'GSM-7', 10, 1],
		['uppercase È forces UCS-2', 'È vero', 'UCS-2', 6, 1],
		['uppercase À Ì Ò Ù force UCS-2', 'À', 'UCS-2', 1, 1],
		['a backtick is not GSM-7', 'a`b', 'UCS-2', 3, 1],
		['extension characters cost two septets', '[x]', 'GSM-7', 5, 1],
		['80 × € = 160 septets: one part', '€'.repeat(80), 'GSM-7', 160, 1],
		['81 × €: two parts', '€'.repeat(81), 'GSM-7', 162, 2],
		// 153 × € = 306 septets, but a part holds only 76 escape pairs (152 septets): 76 + 76 + 1.
		['153 × €: an escape pair is never split', '€'.repeat(153), 'GSM-7', 306, 3],
		['152 letters then €: the pair moves to part 2', `${'a'.repeat(152)}€${'a'.repeat(8)}`, 'GSM-7', 162, 2],
		['form feed is an extension character', 'a\fb', 'GSM-7', 4, 1],
		['70 UCS-2 units: one part', `È${'a'.repeat(69)}`, 'UCS-2', 70, 1],
		['71 UCS-2 units: two parts', `È${'a'.repeat(70)}`, 'UCS-2', 71, 2],
		['134 = 67 × 2', `È${'a'.repeat(133)}`, 'UCS-2', 134, 2],
		['135', `È${'a'.repeat(134)}`, 'UCS-2', 135, 3],
		['an emoji is two units', '😀', 'UCS-2', 2, 1],
		['35 emoji = 70 units: one part', '😀'.repeat(35), 'UCS-2', 70, 1],
		['36 emoji = 72 units: two parts', '😀'.repeat(36), 'UCS-2', 72, 2],
		// 67 emoji = 134 units, but a part holds 33 surrogate pairs (66 units): 33 + 33 + 1.
		['67 emoji: a surrogate pair is never split', '😀'.repeat(67), 'UCS-2', 134, 3],
		['Cyrillic', 'Привет', 'UCS-2', 6, 1],
	])('%s', (_name, text, encoding, units, parts) => {
		expect(segmentSms(text)).toMatchObject({ encoding, units, parts });
	});

	test('names the characters that forced UCS-2, each once, at most five', () => {
		expect(segmentSms('È ok È 😀').nonGsmCharacters).toEqual(['È', '😀']);
		expect(segmentSms('ÀÈÌÒÙ😀Ж').nonGsmCharacters).toEqual(['À', 'È', 'Ì', 'Ò', 'Ù']);
		expect(segmentSms('plain').nonGsmCharacters).toEqual([]);
	});

	test('every printable ASCII character costs what the GSM 03.38 tables say', () => {
		const extension = new Set('^{}\\[~]|');
		for (let code = 32; code < 127; code++) {
			const char = String.fromCharCode(code);
			const result = segmentSms(char);
			if (char === '`') expect(result.encoding).toBe('UCS-2');
			else expect([char, result.encoding, result.units]).toEqual([char, 'GSM-7', extension.has(char) ? 2 : 1]);
		}
	});
});
