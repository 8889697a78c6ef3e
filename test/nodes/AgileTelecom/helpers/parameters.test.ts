/**
 * The parameter readers against n8n itself: inside n8n-core's real ExecuteContext, `parameterReader(…)(i)` must give
 * exactly what `getNodeParameter(…, i)` gives, while evaluating no expression for the `={{ $json.path }}` form and
 * reading a parameter without expressions once.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { AgileTelecom } from '../../../../nodes/AgileTelecom/AgileTelecom.node';
import { jsonPathOf, parameterReader, readField } from '../../../../nodes/AgileTelecom/helpers/parameters';
import { executeBare, sandboxCredentials } from '../../../harness';

interface Probe {
	fast: unknown[];
	slow: unknown[];
	/** getNodeParameter calls that evaluate (not rawExpressions) while the reader ran. */
	evaluations: number;
}

/** Runs `parameterReader` and `getNodeParameter` side by side on every item, in the real ExecuteContext. */
async function probe(parameters: INodeParameters, name: string, items: IDataObject[], fallback: unknown = ''): Promise<Probe> {
	const nodeType: INodeType = {
		description: new AgileTelecom().description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const outcome = (read: () => unknown) => {
				try {
					return { value: read() };
				} catch (error) {
					return { error: (error as Error).message };
				}
			};
			const original = this.getNodeParameter.bind(this) as (...args: unknown[]) => unknown;
			let evaluations = 0;
			(this as unknown as { getNodeParameter: (...args: unknown[]) => unknown }).getNodeParameter = (...args: unknown[]) => {
				if (!(args[3] as { rawExpressions?: boolean } | undefined)?.rawExpressions) evaluations++;
				return original(...args);
			};
			const reader = parameterReader(this, name, fallback);
			const fast = items.map((_, i) => outcome(() => reader(i)));
			const counted = evaluations;
			const slow = items.map((_, i) => outcome(() => original(name, i, fallback)));
			return [[{ json: { result: { fast, slow, evaluations: counted } as unknown as IDataObject }, pairedItem: { item: 0 } }]];
		},
	};
	const output = await executeBare({
		node: { parameters: { resource: 'sms', operation: 'sendBatch', ...parameters } },
		credentials: { agileTelecomApi: sandboxCredentials('http://127.0.0.1:9') },
		items,
		nodeType,
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

describe('jsonPathOf', () => {
	test.each([
		['={{ $json.a }}', ['a']],
		['={{ $json.a.b_c.$d }}', ['a', 'b_c', '$d']],
		['={{ $json["a b"]["c"] }}', ['a b', 'c']],
		["={{ $json['x'][2] }}", ['x', '2']],
		['={{ $json.a }} ', undefined],
		['={{ $json.a + 1 }}', undefined],
		['={{ $json.a?.b }}', undefined],
		['={{ $json }}', undefined],
		['={{ $("Node").item.json.a }}', undefined],
		['=Hello {{ $json.a }}', undefined],
		['={{ $json["a\\"b"] }}', undefined],
		['$json.a', undefined],
	])('%s → %j', (expression, steps) => {
		expect(jsonPathOf(expression)).toEqual(steps);
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

describe('the send operations pay nothing per item for fixed values and $json paths', () => {
	/** Runs the real node, counting the getNodeParameter calls that evaluate (not rawExpressions). */
	async function evaluationsFor(parameters: INodeParameters, count: number): Promise<number> {
		let evaluations = 0;
		const node = new AgileTelecom();
		const nodeType: INodeType = {
			description: node.description,
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const original = this.getNodeParameter.bind(this) as (...args: unknown[]) => unknown;
				(this as unknown as { getNodeParameter: (...args: unknown[]) => unknown }).getNodeParameter = (...args: unknown[]) => {
					if (!(args[3] as { rawExpressions?: boolean } | undefined)?.rawExpressions) evaluations++;
					return original(...args);
				};
				return await node.execute.call(this);
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
		['Send Batch, mapped fields', { resource: 'sms', operation: 'sendBatch', dataMode: 'autoMapInputData', sender: 'InfoSMS', inputFields: { destinationsField: 'to', bodyField: 'text' }, retry: { maxRetries: 0 } }],
		['Send Batch, merge fields', { resource: 'sms', operation: 'sendBatch', destinations: '={{ $json.to }}', sender: 'InfoSMS', body: 'Hi, {text}', messageOptions: { mergeFields: true }, retry: { maxRetries: 0 } }],
	])('%s: 10 items and 200 items cost the same number of evaluations', async (_name, parameters) => {
		expect(await evaluationsFor(parameters, 200)).toBe(await evaluationsFor(parameters, 10));
	});
});
