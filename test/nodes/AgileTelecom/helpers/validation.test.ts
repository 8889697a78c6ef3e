import { NodeOperationError, type INode } from 'n8n-workflow';

import {
	invalidField,
	normalizePhoneNumber,
	senderProblem,
	splitList,
} from '../../../../nodes/AgileTelecom/helpers/validation';

describe('splitList', () => {
	test.each([
		[undefined, []],
		[null, []],
		['', []],
		['+393351234567', ['+393351234567']],
		['a, b;c\nd\r\ne', ['a', 'b', 'c', 'd', 'e']],
		[' , a ,, ;\n ', ['a']],
		// Spaces alone do not separate: a number may be written with spaces.
		['+39 335 123 4567', ['+39 335 123 4567']],
		[['a', 'b, c'], ['a', 'b', 'c']],
		[393351234567, ['393351234567']],
	])('%j → %j', (value, expected) => {
		expect(splitList(value)).toEqual(expected);
	});
});

describe('normalizePhoneNumber', () => {
	test.each([
		['+393351234567', '+393351234567'],
		['+39 335 123 4567', '+393351234567'],
		['0039-335-123-4567', '+393351234567'],
		['(+39) 335.123/4567', '+393351234567'],
		['  +41793026727  ', '+41793026727'],
		['+1234567', '+1234567'],
		['+123456789012345', '+123456789012345'],
	])('%j → %j', (raw, number) => {
		expect(normalizePhoneNumber(raw)).toEqual({ number });
	});

	test.each([
		['3351234567', 'has no international prefix'],
		['', 'is not a phone number in international format'],
		['+39abc', 'is not a phone number in international format'],
		['+0039335123', 'is not a phone number in international format'],
		['+123456', 'is not a phone number in international format'],
		['+1234567890123456', 'is not a phone number in international format'],
		['++393351234567', 'is not a phone number in international format'],
	])('%j is refused: %s', (raw, problem) => {
		const result = normalizePhoneNumber(raw);
		expect(result.number).toBeUndefined();
		expect(result.problem).toContain(problem);
		expect(result.problem).toContain(`"${raw}"`);
	});
});

describe('senderProblem', () => {
	test.each(['InfoSMS', 'A', 'Abcdefghijk', '12345', '1234567890123456', '+393401234567'])('%j is allowed', (sender) => {
		expect(senderProblem(sender)).toBeUndefined();
	});

	test.each([
		['', 'is required'],
		['Info SMS', 'may contain only letters and digits'],
		['Info-SMS', 'may contain only letters and digits'],
		['Café', 'may contain only letters and digits'],
		['Abcdefghijkl', 'has 12 characters; an alphanumeric sender has at most 11'],
		['12345678901234567', 'has 17 digits; a numeric sender has at most 16'],
	])('%j: %s', (sender, problem) => {
		expect(senderProblem(sender)).toContain(problem);
	});
});

describe('invalidField', () => {
	test('names the item (1-based, as the UI shows it) and the field, and keeps the item index', () => {
		const node = { name: 'Agile Telecom' } as INode;
		const error = invalidField(node, 2, 'Sender', 'is required');
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Item 3: Sender: is required');
		expect(error.description).toBe('Fix the "Sender" field of item 3; nothing was sent for this item.');
		expect(error.context.itemIndex).toBe(2);
	});
});
