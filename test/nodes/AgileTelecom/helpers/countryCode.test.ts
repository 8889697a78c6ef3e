import { normalizePhoneNumber, parseCountryCode } from '../../../../nodes/AgileTelecom/helpers/validation';

describe('normalizePhoneNumber with a Default Country Code', () => {
	test.each([
		// [input, default country code, result]
		['3351234567', '39', '+393351234567'],
		['335 123 4567', '39', '+393351234567'],
		['335-123-4567', '39', '+393351234567'],
		// Italy keeps the 0 of fixed lines: it is part of the number, dialled from abroad too.
		['06 1234567', '39', '+39061234567'],
		['02 12345678', '39', '+390212345678'],
		['0549 123456', '378', '+3780549123456'],
		['07 07 123 456', '225', '+2250707123456'],
		['06 123 4567', '242', '+242061234567'],
		// Everywhere else the trunk 0 is dialled only nationally.
		['07911 123456', '44', '+447911123456'],
		['0151 12345678', '49', '+4915112345678'],
		['06 12 34 56 78', '33', '+33612345678'],
		['079 123 45 67', '41', '+41791234567'],
		['7911 123456', '44', '+447911123456'],
		// Other trunk prefixes.
		['8 912 345 6789', '7', '+79123456789'],
		['912 345 6789', '7', '+79123456789'],
		['06 30 123 4567', '36', '+36301234567'],
		['30 123 4567', '36', '+36301234567'],
		['1 212 555 0100', '1', '+12125550100'],
		['212 555 0100', '1', '+12125550100'],
		// Countries without a trunk prefix take the number as it is.
		['612 345 678', '34', '+34612345678'],
		['912 34 567', '47', '+4791234567'],
	])('%j with %s → %j', (raw, countryCode, number) => {
		expect(normalizePhoneNumber(raw, countryCode)).toEqual({ number, countryCodeAdded: true });
	});

	test.each([
		['+393351234567', '44'],
		['0039 335 1234567', '44'],
		['+44 7911 123456', '39'],
		['00 44 7911 123456', '1'],
	])('%j already has a country code: the default %s changes nothing', (raw, countryCode) => {
		expect(normalizePhoneNumber(raw, countryCode)).toEqual(normalizePhoneNumber(raw));
		expect(normalizePhoneNumber(raw, countryCode).countryCodeAdded).toBeUndefined();
	});

	test.each([
		['0612345678', '34', 'starts with 0, but numbers of country code +34 never do'],
		['0 912 34 567', '47', 'starts with 0, but numbers of country code +47 never do'],
		['123', '39', 'gives +39123, which is not a phone number'],
		['1234567890123456', '39', 'which is not a phone number'],
		['335abc', '39', 'is not a phone number in international format'],
	])('%j with %s is refused: %s', (raw, countryCode, problem) => {
		const result = normalizePhoneNumber(raw, countryCode);
		expect(result.number).toBeUndefined();
		expect(result.problem).toContain(problem);
		expect(result.problem).toContain(`"${raw}"`);
	});

	test('without a default a national number is refused as before, pointing to the option', () => {
		expect(normalizePhoneNumber('3351234567').problem).toBe(
			'"3351234567" has no international prefix. Write it as +<country code><number>, for example +393351234567 (00 instead of + also works), or set a Default Country Code',
		);
		expect(normalizePhoneNumber('3351234567', '')).toEqual(normalizePhoneNumber('3351234567'));
	});
});

describe('normalizePhoneNumber: (0) after the country code', () => {
	test.each([
		['+39 (0) 335 1234567', '+393351234567'],
		['+39 (0)335 1234567', '+393351234567'],
		['+44 (0)20 7946 0958', '+442079460958'],
		['+44 ( 0 ) 7911 123456', '+447911123456'],
		['0049 (0) 151 12345678', '+4915112345678'],
		// Parentheses around anything else are only separators, as before.
		['(+39) 335 1234567', '+393351234567'],
		['+39 (335) 1234567', '+393351234567'],
	])('%j → %j', (raw, number) => {
		expect(normalizePhoneNumber(raw)).toEqual({ number });
	});

	test('a national number with (0) and a default: the (0) is removed like any trunk prefix', () => {
		expect(normalizePhoneNumber('(0) 7911 123456', '44')).toEqual({ number: '+447911123456', countryCodeAdded: true });
	});
});

describe('parseCountryCode', () => {
	test.each([
		['39', '39'],
		['+39', '39'],
		['0039', '39'],
		[' 44 ', '44'],
		[39, '39'],
		['1', '1'],
		['378', '378'],
	])('%j → %j', (value, countryCode) => {
		expect(parseCountryCode(value)).toEqual({ countryCode });
	});

	test.each([undefined, null, '', '   '])('%j means no default', (value) => {
		expect(parseCountryCode(value)).toEqual({});
	});

	test.each(['0', '039', '1234', 'IT', '+', '3 9', '39a'])('%j is refused', (value) => {
		expect(parseCountryCode(value).problem).toBe(
			`"${value}" is not a country calling code: 1 to 3 digits, such as 39 for Italy or 44 for the United Kingdom`,
		);
	});
});
