/**
 * Lookup → Number Portability (MNP), agile-api.md §15 and §8.4, through real HTTP to the sandbox in n8n-core's
 * engine: exact requests (method, path, the `+` percent-encoded, auth headers), the documented answer mapped to
 * `number, mcc, mnc, operator, country, ported, numberType` plus `raw`, and the documented error bodies that
 * lack a comma.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';
import { documentedMnpError, type RecordedRequest } from '../../../../sandbox/server';

const sandbox = useSandbox();

const MNP_PATH = '/services/mnp/number-lookup';
const FAST_RETRY = { initialDelay: 10, maxDelay: 100 };
const BASIC = `Basic ${Buffer.from('test-user:test-pass').toString('base64')}`;
const JSON_HEADER = { 'Content-Type': 'application/json' };

beforeEach(() => {
	sandbox.configure({ mnpParameter: 'either', mnpErrorFormat: 'documented', mnpAnswers: {}, latencyMs: undefined });
});

function node(parameters: INodeParameters, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return {
		parameters: { resource: 'lookup', operation: 'numberPortability', retry: FAST_RETRY, ...parameters },
		...over,
	};
}

const credentials = (over: Parameters<typeof sandboxCredentials>[1] = {}) => ({
	agileTelecomApi: sandboxCredentials(sandbox.url, over),
});

function summary(requests: RecordedRequest[]) {
	return requests.map((r) => ({
		method: r.method,
		path: r.path,
		rawQuery: r.rawQuery,
		apiKey: r.headers['x-api-key'],
		authorization: r.headers.authorization,
		accept: r.headers.accept,
		body: r.body,
		status: r.status,
	}));
}

const lookup = (number: string, status = 200) => ({
	method: 'GET',
	path: MNP_PATH,
	rawQuery: `msisdn=${encodeURIComponent(number)}`,
	apiKey: 'test-api-key',
	authorization: undefined,
	accept: 'application/json',
	body: undefined,
	status,
});

/** The documented example answer (§15) for an Italian number, as the node outputs it. */
const italian = (number: string, over: IDataObject = {}): IDataObject => {
	const raw = { number, mcc: '222', mnc: '10', numbertype: 'mobile', ported: false, operator: 'Vodafone', country: 'Italia', ...over };
	return {
		number,
		mcc: raw.mcc,
		mnc: raw.mnc,
		operator: raw.operator,
		country: raw.country,
		ported: raw.ported,
		numberType: 'mobile',
		raw,
	};
};

describe('Lookup → Number Portability (MNP)', () => {
	describe('the request', () => {
		test('API key: GET /services/mnp/number-lookup?msisdn=%2B39…, the documented answer mapped, nothing sent as SMS', async () => {
			const result = await runWorkflow({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([lookup('+39333123123')]);
			expect(sandbox.requests[0].rawQuery).toBe('msisdn=%2B39333123123');
			expect(result.output?.map((item) => item.json)).toEqual([italian('+39333123123')]);
			expect(sandbox.stats.acceptedMessages).toBe(0);
		});

		test('Basic auth: an Authorization header and no API key', async () => {
			const result = await runWorkflow({
				node: node({ phoneNumber: '+39333123123' }),
				credentials: credentials({ authType: 'basicAuth' }),
			});

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([{ ...lookup('+39333123123'), apiKey: undefined, authorization: BASIC }]);
			expect(result.output?.[0].json).toEqual(italian('+39333123123'));
		});

		test('spaces, dashes and 00 are normalised before the request', async () => {
			await runWorkflow({ node: node({ phoneNumber: '0041 79-302 67 27' }), credentials: credentials() });

			expect(summary(sandbox.requests)).toEqual([lookup('+41793026727')]);
		});

		test('a national number with Default Country Code 39 is looked up as +39…', async () => {
			const result = await runWorkflow({
				node: node({ phoneNumber: '335 123 4567', options: { defaultCountryCode: '+39' } }),
				credentials: credentials(),
			});

			expect(summary(sandbox.requests)).toEqual([lookup('+393351234567')]);
			expect(result.output?.[0].json.number).toBe('+393351234567');
		});

		test('sheet cells: a number without + and a national 393 mobile, read by the same normaliser as the sends', async () => {
			const result = await runWorkflow({
				node: node({ phoneNumber: '={{ $json.phone }}', options: { defaultCountryCode: 39 } }),
				credentials: credentials(),
				items: [{ phone: 393351234567 }, { phone: '39\u00A0335\u00A0123\u00A04568' }, { phone: 3933512345 }],
			});

			// Lookups run concurrently: their order on the wire is not the items' order.
			expect(summary(sandbox.requests)).toHaveLength(3);
			expect(summary(sandbox.requests)).toEqual(expect.arrayContaining([lookup('+393351234567'), lookup('+393351234568'), lookup('+393933512345')]));
			expect(result.output?.map((o) => o.json.number)).toEqual(['+393351234567', '+393351234568', '+393933512345']);
		});

		test('the sandbox reading only msisdn (every URL and sample) answers: msisdn is what the node sends', async () => {
			sandbox.configure({ mnpParameter: 'msisdn' });
			const result = await runWorkflow({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(sandbox.requests.map((r) => r.query)).toEqual([{ msisdn: '+39333123123' }]);
		});
	});

	describe('the answer', () => {
		test('a ported number, and the fields of another country', async () => {
			sandbox.configure({ mnpAnswers: { '+393401234567': { ported: true, operator: 'Iliad', mnc: '50' } } });
			const result = await runWorkflow({
				node: node({ phoneNumber: '={{ $json.phone }}' }),
				credentials: credentials(),
				items: [{ phone: '+393401234567' }, { phone: '+447911123456' }],
			});

			expect(result.output?.map((item) => item.json)).toEqual([
				italian('+393401234567', { ported: true, operator: 'Iliad', mnc: '50' }),
				{
					number: '+447911123456',
					mcc: '234',
					mnc: '15',
					operator: 'Vodafone UK',
					country: 'Regno Unito',
					ported: false,
					numberType: 'mobile',
					raw: {
						number: '+447911123456',
						mcc: '234',
						mnc: '15',
						numbertype: 'mobile',
						ported: false,
						operator: 'Vodafone UK',
						country: 'Regno Unito',
					},
				},
			]);
		});

		test('other spellings are read: numeric codes stay strings, "true", numberType, extra fields kept in raw', async () => {
			const body = { number: '+39333123123', mcc: 222, mnc: 1, numberType: 'mobile', ported: 'true', operator: 'TIM', country: 'Italia', hlr: 'x' };
			sandbox.injectFaults([{ path: MNP_PATH, status: 200, body }]);
			const result = await runWorkflow({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			expect(result.output?.[0].json).toEqual({
				number: '+39333123123',
				mcc: '222',
				mnc: '1',
				operator: 'TIM',
				country: 'Italia',
				ported: true,
				numberType: 'mobile',
				raw: body,
			});
		});

		test('missing fields are null, and the number falls back to the one asked', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, status: 200, body: { operator: 'WindTre' } }]);
			const result = await runWorkflow({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			expect(result.output?.[0].json).toEqual({
				number: '+39333123123',
				mcc: null,
				mnc: null,
				operator: 'WindTre',
				country: null,
				ported: null,
				numberType: null,
				raw: { operator: 'WindTre' },
			});
		});
	});

	describe('items', () => {
		test('one request per distinct number; every item gets its own output, paired, in input order', async () => {
			const output = await executeBare({
				node: node({ phoneNumber: '={{ $json.phone }}' }),
				credentials: credentials(),
				items: [{ phone: '+39333123123' }, { phone: '+41793026727' }, { phone: '0039 333 123 123' }],
			});

			expect(sandbox.requests.map((r) => r.rawQuery).sort()).toEqual(['msisdn=%2B39333123123', 'msisdn=%2B41793026727']);
			expect(output?.[0].map((item) => [item.pairedItem, item.json.number, item.json.country])).toEqual([
				[{ item: 0 }, '+39333123123', 'Italia'],
				[{ item: 1 }, '+41793026727', 'Svizzera'],
				[{ item: 2 }, '+39333123123', 'Italia'],
			]);
			// Items sharing an answer do not share one object: a later node may change one without the other.
			expect(output?.[0][2].json).toEqual(output?.[0][0].json);
			expect(output?.[0][2].json).not.toBe(output?.[0][0].json);
		});

		test('at most Max Concurrency lookups at a time', async () => {
			// The first two requests are held 300 ms: with 2 at a time, the third can only start once one is answered.
			sandbox.injectFaults([{ path: MNP_PATH, delayMs: 300, times: 2 }]);
			const phones = ['+39333000001', '+39333000002', '+39333000003', '+39333000004'];
			const result = await runWorkflow({
				node: node({ phoneNumber: '={{ $json.phone }}', options: { maxConcurrency: 2 } }),
				credentials: credentials(),
				items: phones.map((phone) => ({ phone })),
			});

			expect(result.status).toBe('success');
			const arrivals = sandbox.requests.map((r) => r.receivedAt);
			expect(arrivals).toHaveLength(4);
			expect(arrivals[2] - Math.min(arrivals[0], arrivals[1])).toBeGreaterThanOrEqual(290);
			expect(result.output?.map((item) => item.json.number)).toEqual(phones);
		});
	});

	describe('validation, before any request', () => {
		test.each([
			['a national number without Default Country Code', { phoneNumber: '3351234567' }, 'Item 1: Phone Number: "3351234567" has no international prefix'],
			['an empty number', { phoneNumber: '  ' }, 'Item 1: Phone Number: is empty'],
			['a list in one item', { phoneNumber: '+39333123123, +41793026727' }, 'Item 1: Phone Number: holds 2 numbers'],
			['letters', { phoneNumber: '+39 333 ABC' }, 'Item 1: Phone Number: "+39 333 ABC" is not a phone number'],
			['a wrong country code', { phoneNumber: '3351234567', options: { defaultCountryCode: 'IT' } }, 'Item 1: Default Country Code: "IT" is not a country calling code'],
			['a leading 0 where no number has one', { phoneNumber: '0612345678', options: { defaultCountryCode: '34' } }, 'Item 1: Phone Number: "0612345678" starts with 0'],
		])('%s', async (_name, parameters, message) => {
			const run = executeBare({ node: node(parameters), credentials: credentials() });

			await expect(run).rejects.toBeInstanceOf(NodeOperationError);
			await expect(run).rejects.toMatchObject({ message: expect.stringContaining(message) });
			expect(sandbox.requests).toHaveLength(0);
		});

		test('an invalid second item stops the run before the first item is looked up', async () => {
			const run = executeBare({
				node: node({ phoneNumber: '={{ $json.phone }}' }),
				credentials: credentials(),
				items: [{ phone: '+39333123123' }, { phone: 'nope' }],
			});

			await expect(run).rejects.toMatchObject({ message: expect.stringMatching(/^Item 2: Phone Number: "nope"/) });
			expect(sandbox.requests).toHaveLength(0);
		});
	});

	describe('errors (agile-api.md §8.4)', () => {
		test('the documented 400 body, without its comma: the provider text is read, not shown as raw JSON; not retried', async () => {
			// The sandbox reading only `number` (one parameter table) answers the documented 400.
			sandbox.configure({ mnpParameter: 'number' });
			const run = executeBare({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			await expect(run).rejects.toBeInstanceOf(NodeApiError);
			await expect(run).rejects.toMatchObject({
				message: 'Agile Telecom rejected the request as malformed (HTTP 400): Specify a msisdn number',
				httpCode: '400',
			});
			expect(summary(sandbox.requests)).toEqual([lookup('+39333123123', 400)]);
		});

		test('the same error as valid JSON reads the same', async () => {
			sandbox.configure({ mnpParameter: 'number', mnpErrorFormat: 'json' });
			const run = executeBare({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			await expect(run).rejects.toMatchObject({ message: 'Agile Telecom rejected the request as malformed (HTTP 400): Specify a msisdn number' });
		});

		test('a 500 is retried (a lookup is a read), then the answer is used', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, status: 500, body: documentedMnpError(500, 'Server error'), headers: JSON_HEADER }]);
			const result = await runWorkflow({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([lookup('+39333123123', 500), lookup('+39333123123')]);
			expect(result.output?.[0].json).toEqual(italian('+39333123123'));
		});

		test('a lasting 500: the provider text, the attempts, and advice for a read (nothing was sent)', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, status: 500, body: documentedMnpError(500, 'Server error'), headers: JSON_HEADER, times: 5 }]);
			const run = executeBare({
				node: node({ phoneNumber: '+39333123123', retry: { ...FAST_RETRY, maxRetries: 1 } }),
				credentials: credentials(),
			});

			await expect(run).rejects.toBeInstanceOf(NodeApiError);
			await expect(run).rejects.toMatchObject({
				// The wait has jitter: between half of and all of the 10 ms initial delay.
				message: expect.stringMatching(/^Agile Telecom had a server error \(HTTP 500\): Server error\. Gave up after 2 attempts; the last wait was /),
				description:
					'Nothing was sent or changed: this request only reads. The node already retried it as the Retry settings allow; try again later, and contact Agile Telecom support if it persists.',
				httpCode: '500',
			});
			expect(sandbox.requests).toHaveLength(2);
		});

		test('a connection dropped after sending: for a read the advice is to retry later, not to check deliveries', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, drop: 'before-response' }]);
			const run = executeBare({
				node: node({ phoneNumber: '+39333123123', retry: { ...FAST_RETRY, maxRetries: 0 } }),
				credentials: credentials(),
			});

			await expect(run).rejects.toBeInstanceOf(NodeApiError);
			await expect(run).rejects.toMatchObject({
				message: expect.stringMatching(/^Could not reach Agile Telecom \(ECONNRESET\)/),
				description: expect.stringMatching(/^Nothing was sent or changed: this request only reads\./),
			});
			expect(sandbox.requests).toHaveLength(1);
		});

		test('a wrong API key: 401 with the documented error shape, the key never shown', async () => {
			const run = executeBare({
				node: node({ phoneNumber: '+39333123123' }),
				credentials: credentials({ apiKey: 'wrong-key-123' }),
			});

			await expect(run).rejects.toMatchObject({
				message: 'Agile Telecom rejected the credentials (HTTP 401): Wrong credentials',
				httpCode: '401',
			});
			const error = await run.catch((e: unknown) => e);
			expect(JSON.stringify(error)).not.toContain('wrong-key-123');
			expect(sandbox.requests).toHaveLength(1);
		});

		test('an error body inside a 200 is an error by its error_code', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, status: 200, body: documentedMnpError(400, 'Specify a msisdn number'), headers: JSON_HEADER }]);
			const run = executeBare({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			await expect(run).rejects.toMatchObject({
				message: 'Agile Telecom rejected the request as malformed (HTTP 200): Specify a msisdn number',
				httpCode: '400',
			});
		});

		test('an answer without any documented field (a proxy page) is an error, not an empty result', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, status: 200, body: '<html>Welcome</html>', headers: { 'Content-Type': 'text/html' } }]);
			const run = executeBare({ node: node({ phoneNumber: '+39333123123' }), credentials: credentials() });

			await expect(run).rejects.toBeInstanceOf(NodeApiError);
			await expect(run).rejects.toMatchObject({
				message:
					'Agile Telecom answered the lookup of +39333123123 without the documented fields (number, mcc, mnc, operator, ported)',
			});
		});

		test('with Continue On Fail, invalid and failed items become error items and the others are looked up', async () => {
			sandbox.injectFaults([{ path: MNP_PATH, status: 400, body: documentedMnpError(400, 'Specify a msisdn number'), headers: JSON_HEADER }]);
			const output = await executeBare({
				node: node({ phoneNumber: '={{ $json.phone }}', options: { maxConcurrency: 1 } }, { onError: 'continueRegularOutput' }),
				credentials: credentials(),
				items: [{ phone: '+39333000001' }, { phone: '12' }, { phone: '+39333000002' }],
			});

			expect(output?.[0].map((item) => [item.pairedItem, item.json.error ?? item.json.number])).toEqual([
				[{ item: 0 }, 'Agile Telecom rejected the request as malformed (HTTP 400): Specify a msisdn number'],
				[{ item: 1 }, expect.stringMatching(/^Item 2: Phone Number: "12" has no international prefix/)],
				[{ item: 2 }, '+39333000002'],
			]);
			expect((output?.[0][0].json.details as IDataObject).httpCode).toBe('400');
			expect(sandbox.requests.map((r) => r.status)).toEqual([400, 200]);
		});
	});
});
