import { parseLenientObject } from '../../../../nodes/AgileTelecom/helpers/lenientJson';
import { providerTextOf } from '../../../../nodes/AgileTelecom/transport/errors';

describe('parseLenientObject', () => {
	test.each([
		// agile-api.md §8.4, exactly as documented: no comma between the fields.
		['{ "error_code": 400 "error_description": "Specify a msisdn number" }', { error_code: 400, error_description: 'Specify a msisdn number' }],
		['{ "error_code": 500 "error_description": "Server error" }', { error_code: 500, error_description: 'Server error' }],
		['{"a":1,"b":"x"}', { a: 1, b: 'x' }],
		['{"nested":{"a":1},"b":[1]}', { nested: { a: 1 }, b: [1] }],
		['{ "a": "say \\"hi\\"" "b": -1.5e2 "c": true "d": null }', { a: 'say "hi"', b: -150, c: true, d: null }],
		['{ "a": 1,, "b": 2 }', { a: 1, b: 2 }],
		['  {"a": "x"}\n', { a: 'x' }],
		['{}', {}],
	])('%s', (text, expected) => {
		expect(parseLenientObject(text)).toEqual(expected);
	});

	test.each(['', 'Server error', '<html>{}</html>', '[1, 2]', '{ nothing here }', 'null'])('%j is not an object', (text) => {
		expect(parseLenientObject(text)).toBeUndefined();
	});
});

describe('providerTextOf an unparsed body', () => {
	test.each([
		['{ "error_code": 400 "error_description": "Specify a msisdn number" }', 'Specify a msisdn number'],
		['{ "status": "error" "message": "Number check service unavailable" "code": 9 }', 'Number check service unavailable'],
		['Bad Gateway', 'Bad Gateway'],
		['{ "error_code": 500 }', '{ "error_code": 500 }'],
		['   ', undefined],
	])('%j → %j', (body, text) => {
		expect(providerTextOf(body)).toBe(text);
	});
});
