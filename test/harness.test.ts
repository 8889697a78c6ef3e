import type { ICredentialType, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { agileRequest, getConnection } from '../nodes/AgileTelecom/transport/request';
import {
	NODE_NAME,
	executeBare,
	runWorkflow,
	sandboxCredentials,
	startWorkflow,
	waitFor,
	type HarnessNodeOptions,
} from './harness';
import { startSandbox, type Sandbox } from './sandbox/server';

/**
 * A probe node on the real transport: GET <credit> per item (or the path in parameter `path`), output = body.
 * Lets the harness be tested independently of the operations being written.
 */
const probe: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Calls the credit endpoint through agileRequest',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agileTelecomApi', required: true }],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const connection = await getConnection(this);
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			let failure: Error | undefined;
			try {
				const res = await agileRequest<{ credit: number }>(this, connection, {
					method: 'GET',
					url: connection.endpoints.credit,
					kind: 'read',
					itemIndex: i,
					retry: { retryOnRateLimit: true, maxRetries: 2, initialDelay: 10, maxDelay: 60000, retryOnServerErrors: false },
				});
				out.push({ json: { credit: res.body.credit, n: items[i].json.n ?? null }, pairedItem: { item: i } });
			} catch (error) {
				failure = error as Error;
			}
			// The real transport errors (NodeApiError / NodeOperationError) pass through unchanged.
			if (failure && !this.continueOnFail()) throw failure;
			if (failure) out.push({ json: { error: failure.message }, pairedItem: { item: i } });
		}
		return [out];
	},
};

const genericCredential: ICredentialType = {
	name: 'genericProbeApi',
	displayName: 'Generic Probe API',
	properties: [],
	authenticate: { type: 'generic', properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } } },
};

const genericProbe: INodeType = {
	description: { ...probe.description, credentials: [{ name: 'genericProbeApi', required: true }] },
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl } = (await this.getCredentials('genericProbeApi')) as { baseUrl: string };
		const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'genericProbeApi', {
			method: 'GET',
			url: `${baseUrl}/services/sms/credit`,
			json: true,
		})) as { credit: number };
		return [[{ json: body, pairedItem: { item: 0 } }]];
	},
};

const node = (over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions => ({ parameters: {}, ...over });

describe('harness', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});
	beforeEach(() => sandbox.reset());

	it('runs trigger → node in the engine with the credential on the wire (API key)', async () => {
		const result = await runWorkflow({
			node: node(),
			nodeType: probe,
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
			items: [{ n: 1 }, { n: 2 }],
		});
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.nodeOrder).toEqual(['Trigger', NODE_NAME]);
		expect(result.output).toEqual([
			{ json: { credit: 1000, n: 1 }, pairedItem: { item: 0 } },
			{ json: { credit: 1000, n: 2 }, pairedItem: { item: 1 } },
		]);
		expect(sandbox.requests).toHaveLength(2);
		for (const r of sandbox.requests) {
			expect(r).toMatchObject({ method: 'GET', path: '/services/sms/credit', auth: 'apiKey', bothAuth: false });
			expect(r.headers['x-api-key']).toBe('test-api-key');
		}
		expect(result.authenticateCalls).toBe(2);
	});

	it('Basic auth and the Qlara path layout', async () => {
		const result = await runWorkflow({
			node: node(),
			nodeType: probe,
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { authType: 'basicAuth', customApiFormat: 'qlara' }) },
		});
		expect(result.status).toBe('success');
		expect(sandbox.requests[0]).toMatchObject({ path: '/api/services/sms/credit', auth: 'basic', bothAuth: false });
		expect(sandbox.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('test-user:test-pass').toString('base64')}`);
	});

	// n8n-core replays a 401 only when the request throws on it; the transport uses ignoreHttpStatusErrors,
	// so the 401 reaches the sandbox once (pitfall 1 does not apply to it).
	it('a 401 fails the run; with ignoreHttpStatusErrors n8n-core does not replay it', async () => {
		const result = await runWorkflow({
			node: node(),
			nodeType: probe,
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { apiKey: 'wrong' }) },
		});
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeApiError');
		expect((result.error as { httpCode?: string }).httpCode).toBe('401');
		expect(sandbox.requests).toHaveLength(1);
		expect(JSON.stringify(result.run)).not.toContain('wrong"');
	});

	it('onError continueRegularOutput gives error items', async () => {
		const result = await runWorkflow({
			node: node({ onError: 'continueRegularOutput' }),
			nodeType: probe,
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { apiKey: 'wrong' }) },
		});
		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(1);
		expect(result.output?.[0].json.error).toEqual(expect.any(String));
	});

	it('engine retryOnFail re-runs the node', async () => {
		sandbox.injectFaults([{ status: 400, body: { status: 'fail', message: 'x', code: 4 } }]);
		const result = await runWorkflow({
			node: node({ retryOnFail: true, maxTries: 2, waitBetweenTries: 10 }),
			nodeType: probe,
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
		});
		expect(result.status).toBe('success');
		expect(sandbox.requests.map((r) => r.status)).toEqual([400, 200]);
	});

	it('the real AgileTelecom node loads and runs in the engine', async () => {
		const result = await runWorkflow({
			node: node({ parameters: { resource: 'account', operation: 'getCredit' }, onError: 'continueRegularOutput' }),
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
		});
		expect(result.nodeOrder).toEqual(['Trigger', NODE_NAME]);
		expect(result.output).toHaveLength(1);
	});

	it('generic authenticate is resolved with $credentials', async () => {
		const result = await runWorkflow({
			node: node(),
			nodeType: genericProbe,
			credentialTypes: { genericProbeApi: genericCredential },
			credentials: { genericProbeApi: { apiKey: 'test-api-key', baseUrl: sandbox.url } },
		});
		expect(result.status).toBe('success');
		expect(sandbox.requests[0].headers['x-api-key']).toBe('test-api-key');
	});

	describe('executeBare', () => {
		it('returns the raw output with exact pairedItem', async () => {
			const output = await executeBare({
				node: node(),
				nodeType: probe,
				credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
				items: [{ n: 7 }],
			});
			expect(output).toEqual([[{ json: { credit: 1000, n: 7 }, pairedItem: { item: 0 } }]]);
		});

		it('rejects with the real NodeApiError instance', async () => {
			const run = executeBare({
				node: node(),
				nodeType: probe,
				credentials: { agileTelecomApi: sandboxCredentials(sandbox.url, { apiKey: 'wrong' }) },
			});
			await expect(run).rejects.toBeInstanceOf(NodeApiError);
			await expect(run).rejects.toMatchObject({ httpCode: '401' });
		});

		it('abortSignal cancels a retry wait', async () => {
			sandbox.injectFaults([{ status: 429, headers: { 'Retry-After': '30' } }]);
			const controller = new AbortController();
			const run = executeBare({
				node: node(),
				nodeType: probe,
				credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
				abortSignal: controller.signal,
			});
			await waitFor(() => sandbox.requests.length === 1 && sandbox.requests[0].status === 429);
			const t = Date.now();
			controller.abort();
			await expect(run).rejects.toBeInstanceOf(NodeOperationError);
			expect(Date.now() - t).toBeLessThan(2000);
			expect(sandbox.requests).toHaveLength(1);
		});
	});

	it('startWorkflow().abort() cancels the execution during a retry wait', async () => {
		sandbox.injectFaults([{ status: 429, headers: { 'Retry-After': '30' } }]);
		const running = startWorkflow({
			node: node(),
			nodeType: probe,
			credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
		});
		await waitFor(() => sandbox.requests.length === 1 && sandbox.requests[0].status === 429);
		const t = Date.now();
		running.abort();
		const result = await running.result;
		expect(Date.now() - t).toBeLessThan(2000);
		expect(result.cancelled).toBe(true);
		// What the n8n app records at the moment of the Stop…
		expect(result.canceledRun?.status).toBe('canceled');
		// …and the engine's final result once the node gave up on the aborted signal.
		expect(result.status).toBe('error');
		expect(result.error?.message ?? result.nodeError?.message).toMatch(/cancelled/);
		expect(sandbox.requests).toHaveLength(1);
	});
});
