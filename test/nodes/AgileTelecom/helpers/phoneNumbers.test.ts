import { checkDestinations, normalizePhoneNumber, splitEntries } from '../../../../nodes/AgileTelecom/helpers/validation';

// Numbers as spreadsheets, CSV files and CRMs hand them over. Every number the first two tables expect is what
// libphonenumber (libphonenumber-js 1.13.16, parsePhoneNumberFromString(digits, region)) gives for the same digits and
// region. Where libphonenumber strips the code and gets a number it calls invalid itself (too long with and without
// the code), the node refuses instead; a country without a plan here (Greece) has only E.164's limit.
describe('normalizePhoneNumber: digits without + that begin with the default country code', () => {
	test.each([
		// [digits, default country code, number sent]
		// Italy: an international number whose + was dropped, and the national mobiles 393 … (10 digits) that stay.
		['393351234567', '39', '+393351234567'],
		['390612345678', '39', '+390612345678'],
		['39335123456789', '39', '+39335123456789'],
		// United Kingdom: no national number starts with 44; "44 0 …" is the (0) written without brackets.
		['447911123456', '44', '+447911123456'],
		['442071838750', '44', '+442071838750'],
		['4407911123456', '44', '+447911123456'],
		// Germany: Berlin (30) and a mobile, given with 49 in front.
		['493012345678', '49', '+493012345678'],
		['4930123456', '49', '+4930123456'],
		// France, Spain, Switzerland.
		['33612345678', '33', '+33612345678'],
		['34612345678', '34', '+34612345678'],
		['41791234567', '41', '+41791234567'],
		// NANP: 1 is both the country code and the trunk prefix.
		['112125550100', '1', '+12125550100'],
		// Austria, Netherlands, Belgium, Portugal.
		['436641234567', '43', '+436641234567'],
		['31612345678', '31', '+31612345678'],
		['32470123456', '32', '+32470123456'],
		['351912345678', '351', '+351912345678'],
	])('%s with %s is international: %s', (digits, countryCode, number) => {
		expect(normalizePhoneNumber(digits, countryCode)).toEqual({ number, countryCodeFound: true });
	});

	test.each([
		// Italian mobiles 390–393 are 10 digits: they begin with 39 and are national.
		['3933512345', '39', '+393933512345'],
		['3921234567', '39', '+393921234567'],
		['3351234567', '39', '+393351234567'],
		['0612345678', '39', '+390612345678'],
		// Germany has area codes 049xx: these read as national, as libphonenumber reads them.
		['4915112345678', '49', '+494915112345678'],
		['491511234567', '49', '+49491511234567'],
		['015112345678', '49', '+4915112345678'],
		['07911123456', '44', '+447911123456'],
		['0612345678', '33', '+33612345678'],
		['612345678', '34', '+34612345678'],
		['0791234567', '41', '+41791234567'],
		// 12 digits can be Swiss (8 + 11 digits): libphonenumber keeps it national too.
		['417912345678', '41', '+41417912345678'],
		['2125550100', '1', '+12125550100'],
		['12125550100', '1', '+12125550100'],
	])('%s with %s is national: %s', (digits, countryCode, number) => {
		expect(normalizePhoneNumber(digits, countryCode)).toEqual({ number, countryCodeAdded: true });
	});

	test.each([
		['336123456789', '33'],
		['346123456789', '34'],
		['4179123456789', '41'],
	])('%s with %s is too long for the country with or without its code: refused', (digits, countryCode) => {
		expect(normalizePhoneNumber(digits, countryCode)).toEqual({
			problem: `"${digits}" has too many digits for a number of country code +${countryCode}, and without its leading ${countryCode} it is not one either. Check the number, and write it with its country code (+ or 00)`,
		});
	});

	test('a country without a plan: the code is taken off only when the digits could not be national under E.164', () => {
		// +30 (Greece) has no plan here: 30 + 13 digits would be 15 digits, still possible.
		expect(normalizePhoneNumber('3069123456789', '30')).toEqual({ number: '+303069123456789', countryCodeAdded: true });
		expect(normalizePhoneNumber('30691234567890', '30')).toEqual({ number: '+30691234567890', countryCodeFound: true });
	});

	test('without a default the digits are refused, whatever they begin with', () => {
		expect(normalizePhoneNumber('393351234567').problem).toContain('has no international prefix');
	});
});

describe('normalizePhoneNumber: numbers as numbers, and text as spreadsheets format it', () => {
	test.each([
		[393351234567, '39', '+393351234567', 'countryCodeFound'],
		[3351234567, '39', '+393351234567', 'countryCodeAdded'],
		[3933512345, '39', '+393933512345', 'countryCodeAdded'],
		[447911123456, '44', '+447911123456', 'countryCodeFound'],
	] as const)('the number %d with %s → %s', (value, countryCode, number, flag) => {
		expect(normalizePhoneNumber(value, countryCode)).toEqual({ number, [flag]: true });
	});

	test.each([
		// No-break space (U+00A0), narrow no-break space (U+202F), figure space (U+2007), thin space (U+2009).
		['39\u00A0335\u00A0123\u00A04567', '+393351234567'],
		['+39\u202F335\u202F1234567', '+393351234567'],
		['335\u2007123\u20074567', '+393351234567'],
		['335\u2009123\u20094567', '+393351234567'],
		// Zero-width space, left-to-right mark, byte order mark: invisible, left by copy and paste.
		['\uFEFF\u200E+39\u200B3351234567', '+393351234567'],
		// Dots, dashes of every kind (hyphen, en dash, em dash, minus sign), brackets.
		['39.335.123.4567', '+393351234567'],
		['335\u2010123\u20134567', '+393351234567'],
		['(335) 123\u20144567', '+393351234567'],
		['[+39] 335\u22121234567', '+393351234567'],
	])('%j → %s', (raw, number) => {
		expect(normalizePhoneNumber(raw, '39').number).toBe(number);
	});

	test.each(['3.93351234567e+11', '3.93351234567E+11', '3,93351234567E11', '393351234567e0', ' 3.9335123457e+11 '])(
		'exponent notation %j is refused: its digits were rounded away',
		(raw) => {
			expect(normalizePhoneNumber(raw, '39')).toEqual({
				problem: `"${raw.trim()}" is in exponent notation: the spreadsheet or CSV export rounded the number, and the digits it dropped cannot be recovered. Format the column as text (or as a whole number) and export it again`,
			});
		},
	);

	test.each([3933512345.5, 1e21, 2 ** 53, -393351234567, 0, Number.NaN])('the number %d cannot hold a phone number', (value) => {
		expect(normalizePhoneNumber(value, '39')).toEqual({
			problem: `${String(value)} is a number that cannot hold a phone number (not a whole number, or too large to keep every digit). Give the number as text, for example +393351234567`,
		});
	});
});

describe('the normaliser behind every operation', () => {
	test('splitEntries keeps numbers as numbers and splits text', () => {
		expect(splitEntries([393351234567, '3351234567; 0039 335 1234568'])).toEqual([393351234567, '3351234567', '0039 335 1234568']);
	});

	test('checkDestinations reads a sheet row: numbers, no +, no-break spaces', () => {
		expect(checkDestinations([393351234567, '39\u00A0335\u00A0123\u00A04568', '3933512345'], '39')).toEqual({
			value: { numbers: ['+393351234567', '+393351234568', '+393933512345'], repeated: [], given: 3, kept: [0, 1, 2] },
		});
		expect(checkDestinations([393351234567, '+393351234567'], '39').value?.repeated).toEqual(['+393351234567']);
		expect(checkDestinations(['3.93351234567e+11'], '39').problem).toContain('is in exponent notation');
	});
});
