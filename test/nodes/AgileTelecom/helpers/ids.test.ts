import { IdSource, flatten, uuidV5 } from '../../../../nodes/AgileTelecom/helpers/ids';

const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV5', () => {
	test('RFC 4122 test vector: "www.example.com" in the DNS namespace is 2ed6657d-e927-568b-95e1-2665a8aea6a2', () => {
		const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
		expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
	});

	test('same name, same id; another name, another id; always version 5', () => {
		expect(uuidV5('a')).toBe(uuidV5('a'));
		expect(uuidV5('a')).not.toBe(uuidV5('b'));
		expect(uuidV5('a')).toMatch(V5);
	});
});

describe('IdSource', () => {
	test('with a scope: ids derive from scope and parts, so a re-run of the same run gets the same ones', () => {
		const run = new IdSource('instance/workflow/42/node/0');
		expect(run.uuid('item', 0, '+391')).toBe(new IdSource('instance/workflow/42/node/0').uuid('item', 0, '+391'));
		expect(run.uuid('item', 0, '+391')).toMatch(V5);
		// Another item, destination, run index or execution gives another id.
		const others = [
			run.uuid('item', 1, '+391'),
			run.uuid('item', 0, '+392'),
			new IdSource('instance/workflow/42/node/1').uuid('item', 0, '+391'),
			new IdSource('instance/workflow/43/node/0').uuid('item', 0, '+391'),
		];
		expect(new Set([run.uuid('item', 0, '+391'), ...others]).size).toBe(5);
	});

	test('without a scope: a fresh random UUID each time', () => {
		const source = new IdSource(undefined);
		const ids = new Set(Array.from({ length: 100 }, () => source.uuid('item', 0, '+391')));
		expect(ids.size).toBe(100);
		for (const id of ids) expect(id).toMatch(V4);
	});

	test('shortened to a Max ID Length below 36: hex only', () => {
		const source = new IdSource('s');
		expect(source.id(10, 'item', 0)).toMatch(/^[0-9a-f]{10}$/);
		expect(source.id(10, 'item', 0)).toBe(source.uuid('item', 0).replace(/-/g, '').slice(0, 10));
		expect(source.id(0, 'item', 0)).toMatch(/^[0-9a-f]$/);
		expect(source.id(64, 'item', 0)).toBe(source.uuid('item', 0));
	});

	test('flatten returns the same text', () => {
		expect(flatten(`a${'b'.repeat(3)}c`)).toBe('abbbc');
	});
});
