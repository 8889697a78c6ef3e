import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { startSandbox, type RecordedRequest, type Sandbox } from '../../../../sandbox/server';

const LEGACY_PATH = '/services/sms/credit';
const QLARA_LEGACY_PATH = '/api/services/sms/credit';
const GATEWAY_PATH = '/api/v1/partner-gateway/subscription/credit';

// Short waits so the read retries finish fast; everything else is the default.
const FAST_RETRY = { initialDelay: 10, maxDelay: 100 };

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ credit: 1000, frozenCredit: 0 });
});

function node(parameters: INodeParameters = {}, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return {
		parameters: { resource: 'account', operation: 'getCredit', retry: FAST_RETRY, ...parameters },
		...over,
	};
}

const agileCredentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url) });
const qlaraCredentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

function summary(requests: RecordedRequest[]) {
	return requests.map((r) => ({
		method: r.method,
		path: r.path,
		query: r.query,
		apiKey: r.headers['x-api-key'],
		authorization: r.headers.authorization,
		accept: r.headers.accept,
		body: r.body,
		status: r.status,
	}));
}

const get = (path: string, status = 200) => ({
	method: 'GET',
	path,
	query: {},
	apiKey: 'test-api-key',
	authorization: undefined,
	accept: 'application/json',
	body: undefined,
	status,
});

describe('Account → Get Credit', () => {
	test('wholesale/legacy credential: one GET /services/sms/credit, credit = available, EUR', async () => {
		sandbox.configure({ credit: 10.324 });
		const result = await runWorkflow({ node: node(), credentials: agileCredentials() });

		expect(result.status).toBe('success');
		expect(summary(sandbox.requests)).toEqual([get(LEGACY_PATH)]);
		expect(result.output?.map((item) => item.json)).toEqual([
			{ credit: 10.324, availableCredit: 10.324, currency: 'EUR', source: 'legacy', endpoint: LEGACY_PATH },
		]);
	});

	test('Basic auth reaches the credit endpoint with an Authorization header and no API key', async () => {
		sandbox.configure({ credit: 5 });
		const result = await runWorkflow({
			node: node(),
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { authType: 'basicAuth' }) },
		});

		expect(result.status).toBe('success');
		expect(summary(sandbox.requests)).toEqual([
			{ ...get(LEGACY_PATH), apiKey: undefined, authorization: `Basic ${Buffer.from('test-user:test-pass').toString('base64')}` },
		]);
		expect(result.output?.[0].json.credit).toBe(5);
	});

	test('Qlara credential, Automatic: the partner gateway answers with total, frozen and available credit', async () => {
		sandbox.configure({ credit: 100, frozenCredit: 12.25 });
		const result = await runWorkflow({ node: node({ source: 'auto' }), credentials: qlaraCredentials() });

		expect(result.status).toBe('success');
		expect(summary(sandbox.requests)).toEqual([get(GATEWAY_PATH)]);
		expect(result.output?.map((item) => item.json)).toEqual([
			{
				credit: 100,
				frozenCredit: 12.25,
				availableCredit: 87.75,
				currency: 'EUR',
				source: 'partnerGateway',
				endpoint: GATEWAY_PATH,
			},
		]);
	});

	test.each([403, 404])(
		'Qlara credential, Automatic: a %i from the partner gateway falls back to /api/services/sms/credit',
		async (status) => {
			sandbox.configure({ credit: 77 });
			sandbox.injectFaults([
				{ method: 'GET', path: GATEWAY_PATH, status, body: { status, error: 'Forbidden', message: 'Missing billing read permission' } },
			]);
			const result = await runWorkflow({ node: node({ source: 'auto' }), credentials: qlaraCredentials() });

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([get(GATEWAY_PATH, status), get(QLARA_LEGACY_PATH)]);
			expect(result.output?.map((item) => item.json)).toEqual([
				{ credit: 77, availableCredit: 77, currency: 'EUR', source: 'legacy', endpoint: QLARA_LEGACY_PATH },
			]);
		},
	);

	test('Source "SMS Credit Endpoint" on a Qlara credential calls only /api/services/sms/credit', async () => {
		sandbox.configure({ credit: 3.5, frozenCredit: 1 });
		const result = await runWorkflow({ node: node({ source: 'legacy' }), credentials: qlaraCredentials() });

		expect(summary(sandbox.requests)).toEqual([get(QLARA_LEGACY_PATH)]);
		expect(result.output?.map((item) => item.json)).toEqual([
			{ credit: 3.5, availableCredit: 3.5, currency: 'EUR', source: 'legacy', endpoint: QLARA_LEGACY_PATH },
		]);
	});

	test('Source "Qlara Partner Gateway" is used even on a wholesale-format credential, and a 403 is not hidden by a fallback', async () => {
		sandbox.injectFaults([
			{ method: 'GET', path: GATEWAY_PATH, status: 403, body: { status: 403, error: 'Forbidden', message: 'Missing billing read permission' } },
		]);
		const run = executeBare({ node: node({ source: 'partnerGateway' }), credentials: agileCredentials() });

		await expect(run).rejects.toBeInstanceOf(NodeApiError);
		await expect(run).rejects.toMatchObject({ httpCode: '403', message: expect.stringContaining('Missing billing read permission') });
		expect(summary(sandbox.requests)).toEqual([get(GATEWAY_PATH, 403)]);
	});

	test('a 401 on the gateway is not a reason to fall back: reported as a credential error', async () => {
		const result = await runWorkflow({
			node: node({ source: 'auto' }),
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara', apiKey: 'wrong-key' }) },
		});

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		// Never the SMS credit endpoint: the same key would be refused there too.
		expect(sandbox.requests.map((r) => [r.path, r.status])).toEqual([[GATEWAY_PATH, 401]]);
	});

	test('N input items: one request, N output items each paired with its input', async () => {
		sandbox.configure({ credit: 20 });
		const output = await executeBare({ node: node(), credentials: agileCredentials(), items: [{ a: 1 }, { a: 2 }, { a: 3 }] });

		expect(sandbox.requests).toHaveLength(1);
		const expected = { credit: 20, availableCredit: 20, currency: 'EUR', source: 'legacy', endpoint: LEGACY_PATH };
		expect(output).toEqual([
			[
				{ json: expected, pairedItem: { item: 0 } },
				{ json: expected, pairedItem: { item: 1 } },
				{ json: expected, pairedItem: { item: 2 } },
			],
		]);
	});

	test('reads are retried on 500 without "Retry on Server Errors"', async () => {
		sandbox.configure({ credit: 9 });
		sandbox.injectFaults([{ method: 'GET', path: LEGACY_PATH, status: 500, body: { status: 'error', message: 'boom', code: 8 }, times: 2 }]);
		const result = await runWorkflow({ node: node(), credentials: agileCredentials() });

		expect(result.status).toBe('success');
		expect(summary(sandbox.requests)).toEqual([get(LEGACY_PATH, 500), get(LEGACY_PATH, 500), get(LEGACY_PATH)]);
		expect(result.output?.[0].json.credit).toBe(9);
	});

	test('a gateway 502 (wallet unavailable) is retried, then the error names the attempts', async () => {
		sandbox.injectFaults([
			{ method: 'GET', path: GATEWAY_PATH, status: 502, body: { status: 502, error: 'Bad Gateway', message: 'Wallet service unavailable' }, times: 5 },
		]);
		const run = executeBare({ node: node({ retry: { ...FAST_RETRY, maxRetries: 2 } }), credentials: qlaraCredentials() });

		await expect(run).rejects.toMatchObject({
			httpCode: '502',
			message: expect.stringMatching(/Wallet service unavailable.*Gave up after 3 attempts/),
		});
		expect(sandbox.requests.map((r) => [r.path, r.status])).toEqual([
			[GATEWAY_PATH, 502],
			[GATEWAY_PATH, 502],
			[GATEWAY_PATH, 502],
		]);
	});

	test('a credit sent as a string is output as a number', async () => {
		sandbox.injectFaults([{ method: 'GET', path: LEGACY_PATH, status: 200, body: { credit: '10.50' } }]);
		const result = await runWorkflow({ node: node(), credentials: agileCredentials() });

		expect(result.output?.[0].json).toMatchObject({ credit: 10.5, availableCredit: 10.5 });
	});

	test('an answer without a numeric credit is an API error, not a credit of NaN or 0', async () => {
		sandbox.injectFaults([{ method: 'GET', path: LEGACY_PATH, status: 200, body: { balance: 'n/a' } }]);
		const run = executeBare({ node: node(), credentials: agileCredentials() });

		await expect(run).rejects.toBeInstanceOf(NodeApiError);
		await expect(run).rejects.toMatchObject({ message: `Agile Telecom answered ${LEGACY_PATH} without a numeric credit` });
	});

	describe('Fail Below', () => {
		test('credit below the threshold: NodeOperationError with both amounts', async () => {
			sandbox.configure({ credit: 42.5 });
			const run = executeBare({ node: node({ options: { failBelow: 50 } }), credentials: agileCredentials() });

			await expect(run).rejects.toBeInstanceOf(NodeOperationError);
			await expect(run).rejects.toMatchObject({
				message: 'The available Agile Telecom credit is 42.5 EUR, below the threshold of 50 EUR',
			});
		});

		test('the threshold compares the available credit, not the total', async () => {
			sandbox.configure({ credit: 100, frozenCredit: 60 });
			const run = executeBare({ node: node({ options: { failBelow: 50 } }), credentials: qlaraCredentials() });

			await expect(run).rejects.toMatchObject({
				message: 'The available Agile Telecom credit is 40 EUR, below the threshold of 50 EUR',
			});
		});

		test('credit equal to the threshold passes', async () => {
			sandbox.configure({ credit: 50 });
			const result = await runWorkflow({ node: node({ options: { failBelow: 50 } }), credentials: agileCredentials() });

			expect(result.status).toBe('success');
			expect(result.output?.[0].json.credit).toBe(50);
		});

		test('per item via an expression, with Continue On Fail: one request, error item only where below', async () => {
			sandbox.configure({ credit: 30 });
			const output = await executeBare({
				node: node({ options: { failBelow: '={{ $json.minimum }}' } }, { onError: 'continueRegularOutput' }),
				credentials: agileCredentials(),
				items: [{ minimum: 10 }, { minimum: 100 }],
			});

			expect(sandbox.requests).toHaveLength(1);
			const reading: IDataObject = { credit: 30, availableCredit: 30, currency: 'EUR', source: 'legacy', endpoint: LEGACY_PATH };
			expect(output).toEqual([
				[
					{ json: reading, pairedItem: { item: 0 } },
					{
						json: {
							error: 'The available Agile Telecom credit is 30 EUR, below the threshold of 100 EUR',
							details: {
								description:
									'Top up the account in the Agile Telecom portal, or lower "Fail Below" in the options of this node.',
								...reading,
								failBelow: 100,
							},
						},
						pairedItem: { item: 1 },
					},
				],
			]);
		});

		test('a threshold that is not a number fails before any request', async () => {
			const run = executeBare({ node: node({ options: { failBelow: '={{ "lots" }}' } }), credentials: agileCredentials() });

			await expect(run).rejects.toMatchObject({ message: 'Item 1: Fail Below (EUR): "lots" is not a number' });
			expect(sandbox.requests).toHaveLength(0);
		});
	});

	test('no secret reaches the output', async () => {
		const result = await runWorkflow({
			node: node(),
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { apiKey: 'test-api-key' }) },
		});

		expect(result.status).toBe('success');
		expect(JSON.stringify(result.output)).not.toContain('test-api-key');
	});
});
