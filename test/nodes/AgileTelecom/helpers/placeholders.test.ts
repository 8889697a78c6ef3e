import { fillPlaceholders, placeholderNames } from '../../../../nodes/AgileTelecom/helpers/placeholders';

describe('placeholderNames', () => {
	it.each<[string, string[]]>([
		['Hi {name}', ['name']],
		['{a}{b} and {a} again', ['a', 'b']],
		['{first_name} {n2}', ['first_name', 'n2']],
		['no markers', []],
		['{ spaced } {} {with-dash} {{double}}', ['double']],
	])('%j → %j', (text, names) => {
		expect(placeholderNames(text)).toEqual(names);
	});
});

describe('fillPlaceholders', () => {
	it('replaces every occurrence and lists markers without a value', () => {
		expect(fillPlaceholders('Hi {name}, {name}! Code {code}', { name: 'Ada' })).toEqual({
			text: 'Hi Ada, Ada! Code {code}',
			missing: ['code'],
		});
	});

	it('takes values literally ($& and $1 are not replacement patterns)', () => {
		expect(fillPlaceholders('{a}', { a: '$& $1' }).text).toBe('$& $1');
	});

	it('does not treat inherited object keys as given', () => {
		expect(fillPlaceholders('{constructor}', {})).toEqual({ text: '{constructor}', missing: ['constructor'] });
	});

	it('accepts an empty value', () => {
		expect(fillPlaceholders('a{x}b', { x: '' })).toEqual({ text: 'ab', missing: [] });
	});
});
