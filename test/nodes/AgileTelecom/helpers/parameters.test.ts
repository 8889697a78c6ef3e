/**
 * The parameter readers against n8n itself: inside n8n-core's real ExecuteContext, `parameterReader(…)(i)` must give
 * exactly what `getNodeParameter(…, i)` gives, while evaluating no expression for the `={{ $json.path }}` form and
 * reading a parameter without expressions once.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { AgileTelecom } from '../../../../nodes/AgileTelecom/AgileTelecom.node';
import { planOf, readField } from '../../../../nodes/AgileTelecom/helpers/parameters';
import { executeBare, sandboxCredentials } from '../../../harness';
import { countEvaluations, probeNodeType, type Probe } from './parameterProbe';

/** Runs `parameterReader` and `getNodeParameter` side by side on every item, in the real ExecuteContext. */
async function probe(parameters: INodeParameters, name: string, items: IDataObject[], fallback: unknown = ''): Promise<Probe> {
	const output = await executeBare({
		node: { parameters: { resource: 'sms', operation: 'sendBatch', ...parameters } },
		credentials: { agileTelecomApi: sandboxCredentials('http://127.0.0.1:9') },
		items,
		nodeType: probeNodeType(name, fallback),
	});
	return output?.[0][0].json.result as unknown as Probe;
}

const items: IDataObject[] = [
	{ phone: '+393351234567', 'first name': 'Ada', customer: { phone: '+41793026727', tags: ['a', 'b'] } },
	{ phone: 3351234567, 'first name': null, customer: { phone: null, tags: [] } },
	{ phone: ['+393351111111', '+393352222222'], 'first name': '', customer: { phone: { nested: true }, tags: [1] } },
	{ phone: null, 'first name': 'Bob' },
	{ phone: true, customer: 'not an object' },
	{},
];

describe('the $json fast path gives what n8n gives', () => {
	test.each([
		['={{ $json.phone }}'],
		['={{$json.phone}}'],
		['={{ $json["phone"] }}'],
		["={{ $json['first name'] }}"],
		['={{ $json["first name"] }}'],
		['={{ $json.customer.phone }}'],
		['={{ $json.customer["tags"][0] }}'],
		['={{ $json.customer.tags }}'],
		['={{ $json.missing }}'],
		['={{ $json.customer.missing.deeper }}'],
	])('%s: strings, numbers, arrays, objects, null, missing fields and nested paths', async (expression) => {
		const result = await probe({ destinations: expression }, 'destinations', items);
		expect(result.fast).toEqual(result.slow);
	});

	test('items whose path resolves are read without any evaluation; the others are left to n8n', async () => {
		const resolvable = items.slice(0, 3);
		expect((await probe({ destinations: '={{ $json.customer.phone }}' }, 'destinations', resolvable)).evaluations).toBe(0);
		// Item 5 has no customer object: that one item goes through n8n, which then decides what it is.
		expect((await probe({ destinations: '={{ $json.customer.phone }}' }, 'destinations', items)).evaluations).toBe(3);
	});

	test('any other expression goes through n8n for every item, with the same result', async () => {
		const result = await probe({ destinations: '={{ $json.phone + "" }}' }, 'destinations', items);
		expect(result.fast).toEqual(result.slow);
		expect(result.evaluations).toBe(items.length);
	});

	test('a parameter without expressions is read once, whatever the number of items', async () => {
		const result = await probe({ destinations: '+393351234567' }, 'destinations', items);
		expect(result.fast).toEqual(result.slow);
		expect(result.evaluations).toBe(1);
	});

	test('a collection mixes the three: fixed options once, $json paths per item, other expressions through n8n', async () => {
		const messageOptions = { ids: '={{ $json.phone }}', hexBody: false, udhData: '={{ "05" + "00" }}' };
		const result = await probe({ messageOptions }, 'messageOptions', items, {});
		expect(result.fast).toEqual(result.slow);
		// udhData: one evaluation per item; hexBody (fixed): one read in all; ids (a $json path): none, except for the
		// last item, which has no `phone` at all and is left to n8n (a null `phone` is still read directly).
		expect(result.evaluations).toBe(items.length + 1 + 1);
	});
});

describe('planOf: one parser decides what is read here and what goes to n8n', () => {
	const path = (...steps: string[]) => steps;
	test.each([
		['={{ $json.a }}', { value: path('a') }],
		['={{$json.a}}', { value: path('a') }],
		['={{ $json.a.b_c.$d }}', { value: path('a', 'b_c', '$d') }],
		['={{ $json["a b"]["c"] }}', { value: path('a b', 'c') }],
		["={{ $json['x'][2] }}", { value: path('x', '2') }],
		['={{ $json . a [ 0 ] }}', { value: path('a', '0') }],
		['={{\n\t$json.a\n}}', { value: path('a') }],
		['=Hello {{ $json.name }}, your code is {{ $json.code }}', { text: ['Hello ', path('name'), ', your code is ', path('code')] }],
		['={{ $json.a }} ', { text: [path('a'), ' '] }],
		['= {{ $json.a }}', { text: [' ', path('a')] }],
		['={{ $json.a }}{{ $json["b c"] }}', { text: [path('a'), path('b c')] }],
		['=}} {{ $json.a }} {', { text: ['}} ', path('a'), ' {'] }],
		['={{ $json.a }}}', { text: [path('a'), '}'] }],
		// Everything else is n8n's to evaluate.
		['={{ $json.a + 1 }}', undefined],
		['=Hi {{ $json.a.trim() }}', undefined],
		['={{ $json.a?.b }}', undefined],
		['={{ $json }}', undefined],
		['=Hi {{ $json }}', undefined],
		['={{ $jsonx.a }}', undefined],
		['={{ $("Node").item.json.a }}', undefined],
		['=Hi {{ $json.a }} and {{ $now }}', undefined],
		['=Hi {{ $json.a', undefined],
		['={{{ $json.a }}', undefined],
		['={{ $json["a\\"b"] }}', undefined],
		['=Hi \\{{ $json.a }}', undefined],
		['=Mr. constructor {{ $json.a }}', undefined],
		['={{ $json[01] }}', undefined],
		['={{ $json[a] }}', undefined],
		['=Hello', undefined],
		['=', undefined],
		['$json.a', undefined],
		['Hello {{ $json.a }}', undefined],
	])('%j → %j', (expression, plan) => {
		expect(planOf(expression)).toEqual(plan);
	});
});

/** Each kind of value a template meets, in `v`; `code` is always readable. */
const kinds: IDataObject[] = [
	{ v: 'Ada', code: 123456, 'first name': 'Ada L.', nested: { deep: { v: 'deep' } }, list: ['x', 'y'] },
	{ v: 'with "quotes", {{ braces }} and\na new line', code: 'A-1' },
	{ v: 0, code: 1 },
	{ v: -0, code: 1 },
	{ v: 12.5, code: 1 },
	{ v: -3, code: 1 },
	{ v: 1e21, code: 1 },
	{ v: Number.NaN, code: 1 },
	{ v: true, code: 1 },
	{ v: false, code: 1 },
	{ v: null, code: 1 },
	{ v: '', code: 1 },
	{ v: undefined, code: 1 },
	{ code: 1 },
	{ v: { a: 1, b: 'two' }, code: 1 },
	{ v: {}, code: 1 },
	{ v: [], code: 1 },
	{ v: [1, 'two', null, [3, [4, null]], { k: 1 }, true], code: 1 },
	{ v: ['+393351111111', '+393352222222'], code: 1 },
	{ v: [0, false, ''], code: 1 },
	{ 'first name': null, nested: { deep: null }, list: [], code: 1 },
];

/** Values the reader leaves to n8n: whatever n8n makes of them, the reader gives the same. */
const leftToN8n: IDataObject[] = [
	{ v: new Date('2026-01-02T03:04:05Z'), code: 1 },
	{ v: { toString: 'not a function' }, code: 1 },
	{ v: Object.assign(Object.create(null) as IDataObject, { a: 1 }), code: 1 },
	{ v: { hasOwnProperty: 'x' }, code: 1 },
	{ nested: 'a string', code: 1 },
	{ nested: { deeper: 1 }, code: 1 },
	// eslint-disable-next-line no-sparse-arrays
	{ v: [1, , 3], code: 1 },
];

const TEMPLATES = [
	'=Hello {{ $json.v }}, your code is {{ $json.code }}',
	'={{$json.v}}!',
	'=[{{   $json.v   }}]',
	'= {{ $json.v }}',
	'={{ $json.v }}{{ $json.v }}',
	'=Dear {{ $json["first name"] }}',
	"=Dear {{ $json['first name'] }}",
	'=Deep: {{ $json.nested.deep.v }}',
	'=First: {{ $json.list[0] }}, second: {{ $json.list[1] }}',
	'=Multi\nline {{\n$json.v\n}}',
	'=Spaced {{ $json . v }} {{ $json [ "code" ] }}',
	'=Own key {{ $json.toString }} {{ $json.hasOwnProperty }}',
	'=Not a path {{ $json.v + 1 }}',
	'=Mr. constructor {{ $json.v }}',
	'=Escaped \\{{ $json.v }}',
];

describe('templates of text and $json paths give what n8n gives', () => {
	test.each(TEMPLATES)('%j: every kind of value', async (template) => {
		const result = await probe({ body: template }, 'body', [...kinds, ...leftToN8n]);
		expect(result.fast).toEqual(result.slow);
		// Not a tautology: n8n answered every item, with a value or an error.
		expect(result.slow).toHaveLength(kinds.length + leftToN8n.length);
	});

	test('what n8n renders, written out: the reader is compared with these, not only with itself', async () => {
		const result = await probe({ body: '=<{{ $json.v }}>' }, 'body', kinds);
		expect(result.fast.map((o) => ('value' in o ? o.value : o.error))).toEqual([
			'<Ada>',
			'<with "quotes", {{ braces }} and\na new line>',
			'<0>',
			'<0>',
			'<12.5>',
			'<-3>',
			'<1e+21>',
			'<>',
			'<true>',
			'<false>',
			'<>',
			'<>',
			'<>',
			'<>',
			'<[object Object]>',
			'<[object Object]>',
			'<>',
			'<1,two,,3,4,,[object Object],true>',
			'<+393351111111,+393352222222>',
			'<0,false,>',
			'<>',
		]);
		expect(result.fast).toEqual(result.slow);
	});

	test('0 evaluations per item for every template of text and $json paths whose values are plain data', async () => {
		for (const template of TEMPLATES.slice(0, 11)) {
			// A step through what is absent or null (before the last step) goes to n8n: only the first kind has all of them.
			const readable = /nested|list/.test(template) ? kinds.slice(0, 1) : kinds;
			expect([template, (await probe({ body: template }, 'body', readable)).evaluations]).toEqual([template, 0]);
		}
	});

	test('values the reader cannot vouch for go to n8n one item at a time; other expressions on every item', async () => {
		const mixed = await probe({ body: '=Hi {{ $json.v }}' }, 'body', [...kinds, ...leftToN8n]);
		// Of leftToN8n, the Date, the own toString, the null-prototype object and the sparse array (4 items) are
		// rendered by n8n; the others have no `v` at all, which a template renders as empty here.
		expect(mixed.evaluations).toBe(4);
		const nested = await probe({ body: '=Deep: {{ $json.nested.deep.v }}' }, 'body', leftToN8n);
		expect(nested.evaluations).toBe(leftToN8n.length);
		const other = await probe({ body: '=Not a path {{ $json.v + 1 }}' }, 'body', kinds);
		expect(other.evaluations).toBe(kinds.length);
	});

	test('a collection option and the sender take templates too', async () => {
		const messageOptions = { ids: '=id-{{ $json.code }}-{{ $json.v }}', hexBody: false };
		const options = await probe({ messageOptions }, 'messageOptions', kinds, {});
		expect(options.fast).toEqual(options.slow);
		expect(options.evaluations).toBe(1);
		const sender = await probe({ sender: '=Shop{{ $json.code }}' }, 'sender', kinds);
		expect(sender.fast).toEqual(sender.slow);
		expect(sender.evaluations).toBe(0);
	});
});

describe('readField', () => {
	test('a field by its name, even with dots in it, else a dotted path; undefined when absent', () => {
		const json = { a: { b: 1 }, 'a.b': 2, c: null };
		expect([readField(json, 'a.b'), readField({ a: { b: 1 } }, 'a.b'), readField(json, 'c'), readField(json, 'c.d'), readField(json, 'x')]).toEqual([
			2,
			1,
			null,
			undefined,
			undefined,
		]);
	});
});

describe('the send operations pay nothing per item for fixed values, $json paths and templates of them', () => {
	/** Runs the real node, counting the getNodeParameter calls that evaluate (not rawExpressions). */
	async function evaluationsFor(parameters: INodeParameters, count: number): Promise<number> {
		let evaluations = 0;
		const node = new AgileTelecom();
		const nodeType: INodeType = {
			description: node.description,
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const counter = countEvaluations(this);
				try {
					return await node.execute.call(this);
				} finally {
					evaluations += counter.count();
				}
			},
		};
		const output = await executeBare({
			node: { parameters, onError: 'continueRegularOutput' },
			// Nothing listens there: the sends fail (continue-on-fail), after every item has been read.
			credentials: { agileTelecomApi: sandboxCredentials('http://127.0.0.1:9', { customApiFormat: 'qlara' }) },
			items: Array.from({ length: count }, (_, k) => ({ to: `+3933510${String(k).padStart(5, '0')}`, text: `Hello ${k}`, id: `o-${k}` })),
			nodeType,
		});
		expect(output?.[0]).toHaveLength(count);
		return evaluations;
	}

	test.each([
		['Send Batch', { resource: 'sms', operation: 'sendBatch', destinations: '={{ $json.to }}', sender: 'InfoSMS', body: '={{ $json.text }}', messageOptions: { ids: '={{ $json.id }}' }, retry: { maxRetries: 0 } }],
		['Send (Qlara)', { resource: 'sms', operation: 'send', destination: '={{ $json.to }}', sender: 'InfoSMS', body: '={{ $json.text }}', options: { messageId: '={{ $json.id }}' }, throughput: { maxConcurrency: 20, maxRequestsPerSecond: 1000 }, retry: { maxRetries: 0 } }],
		['Send Batch, templates', { resource: 'sms', operation: 'sendBatch', destinations: '={{ $json.to }}', sender: 'InfoSMS', body: '=Hello {{ $json.text }}, your code is {{ $json.id }}', messageOptions: { ids: '=x-{{ $json.id }}' }, retry: { maxRetries: 0 } }],
		['Send (Qlara), templates', { resource: 'sms', operation: 'send', destination: '={{ $json.to }}', sender: 'InfoSMS', body: '=Hello {{ $json.text }}, your code is {{ $json["id"] }}', options: { messageId: '=m-{{ $json.id }}' }, throughput: { maxConcurrency: 20, maxRequestsPerSecond: 1000 }, retry: { maxRetries: 0 } }],
		['Send Batch, mapped fields', { resource: 'sms', operation: 'sendBatch', dataMode: 'autoMapInputData', sender: 'InfoSMS', inputFields: { destinationsField: 'to', bodyField: 'text' }, retry: { maxRetries: 0 } }],
		['Send Batch, merge fields', { resource: 'sms', operation: 'sendBatch', destinations: '={{ $json.to }}', sender: 'InfoSMS', body: 'Hi, {text}', messageOptions: { mergeFields: true }, retry: { maxRetries: 0 } }],
	])('%s: 10 items and 200 items cost the same number of evaluations', async (_name, parameters) => {
		expect(await evaluationsFor(parameters, 200)).toBe(await evaluationsFor(parameters, 10));
	});
});
