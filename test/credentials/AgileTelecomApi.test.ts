import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
} from 'n8n-workflow';
import { NodeOperationError, Workflow } from 'n8n-workflow';

import { AgileTelecomApi } from '../../credentials/AgileTelecomApi.credentials';
import { JSEND_CODES, statusText } from '../../nodes/AgileTelecom/transport/errors';
import { agileRequest, getConnection } from '../../nodes/AgileTelecom/transport/request';
import {
	CREDENTIAL_TYPE,
	PASS_THROUGH_TYPE,
	TestNodeTypes,
	executeBare,
	passThrough,
	sandboxCredentials,
} from '../harness';
import { countingCredential, inContext } from '../nodes/AgileTelecom/transport/probe';
import { useSandbox } from '../sandbox/lifecycle';

const credential = new AgileTelecomApi();
const basicToken = (user: string, pass: string) => Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');

const sandbox = useSandbox();

/**
 * Resolves the credential's `test.request` the way n8n's credentials tester does: every `={{ }}` value goes
 * through n8n-workflow's expression engine with `$credentials` set to the decrypted credential.
 */
function resolveTestRequest(credentials: ICredentialDataDecryptedObject): IHttpRequestOptions {
	const node: INode = {
		id: 'credential-test',
		name: 'Temp',
		type: PASS_THROUGH_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes({ [PASS_THROUGH_TYPE]: passThrough }),
		settings: {},
	});
	const resolve = (value: unknown): unknown =>
		typeof value === 'string' && value.startsWith('=')
			? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials })
			: value;
	const request = credential.test.request as IDataObject;
	const resolved: IDataObject = {};
	for (const [key, value] of Object.entries(request)) {
		resolved[key] =
			value && typeof value === 'object' && !Array.isArray(value)
				? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]))
				: (resolve(value) as IDataObject[string]);
	}
	return resolved as unknown as IHttpRequestOptions;
}

/** Sends the resolved test request through n8n-core (credential `authenticate` included) to wherever it points. */
async function runConnectionTest(credentials: ICredentialDataDecryptedObject) {
	const request = resolveTestRequest(credentials);
	return await inContext({ credentials }, async (ctx) => {
		return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			...request,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
	});
}

/**
 * n8n's verdict on the Test button for an answer (credentials-tester.service.js `runRequestTest`, n8n 1.123 and
 * 2.41): a non-2xx fails with the message of the first `responseCode` rule for its status; a 2xx fails with the
 * message of the first `responseSuccessBody` rule whose `key` holds exactly `value`, and passes otherwise.
 */
function verdict(response: { statusCode: number; body: unknown }): { status: 'OK' | 'Error'; message: string } {
	const rules = credential.test.rules ?? [];
	if (response.statusCode < 200 || response.statusCode > 299) {
		const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === response.statusCode);
		return { status: 'Error', message: rule?.properties.message ?? `Received HTTP status code: ${response.statusCode}` };
	}
	const body = (response.body ?? {}) as IDataObject;
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && body[rule.properties.key] === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** What n8n shows for a failed test: the message of the `responseCode` rule for that status. */
function ruleMessage(status: number): string | undefined {
	for (const rule of credential.test.rules ?? []) {
		if (rule.type === 'responseCode' && rule.properties.value === status) return rule.properties.message;
	}
	return undefined;
}

describe('authentication on the wire (n8n-core httpRequestWithAuthentication → sandbox)', () => {
	// Both the key and the username/password are filled in, as when a user switches mode: only one may be sent.
	const both = { apiKey: 'test-api-key', username: 'test-user', password: 'test-pass' };

	it.each([
		['GET credit', 'GET', '/services/sms/credit', undefined],
		[
			'POST batch send',
			'POST',
			'/services/sms/send',
			{ globalId: 'g-auth-1', messages: [{ destinations: ['+393351234567'], ids: ['auth-1'], sender: 'Agile', body: 'hi' }] },
		],
	] as const)('API key mode sends only X-Api-Key (%s)', async (_label, method, path, body) => {
		const response = await inContext(
			{ credentials: sandboxCredentials(sandbox.url, { authType: 'apiKey', ...both }) },
			async (ctx) =>
				await agileRequest(ctx, await getConnection(ctx), {
					method,
					url: `${sandbox.url}${path}`,
					body: body as IDataObject | undefined,
					kind: method === 'GET' ? 'read' : 'send',
				}),
		);
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe(method);
		expect(request.path).toBe(path);
		expect(request.headers['x-api-key']).toBe('test-api-key');
		expect(request.headers).not.toHaveProperty('authorization');
		expect(request.auth).toBe('apiKey');
	});

	it.each([
		['GET credit', 'GET', '/services/sms/credit', undefined],
		[
			'POST batch send',
			'POST',
			'/services/sms/send',
			{ globalId: 'g-auth-2', messages: [{ destinations: ['+393351234567'], ids: ['auth-2'], sender: 'Agile', body: 'hi' }] },
		],
	] as const)('Basic mode sends only Authorization: Basic (%s)', async (_label, method, path, body) => {
		const response = await inContext(
			{ credentials: sandboxCredentials(sandbox.url, { authType: 'basicAuth', ...both }) },
			async (ctx) =>
				await agileRequest(ctx, await getConnection(ctx), {
					method,
					url: `${sandbox.url}${path}`,
					body: body as IDataObject | undefined,
					kind: method === 'GET' ? 'read' : 'send',
				}),
		);
		expect(response.statusCode).toBe(200);
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe(method);
		expect(request.path).toBe(path);
		expect(request.headers.authorization).toBe(`Basic ${basicToken('test-user', 'test-pass')}`);
		expect(request.headers).not.toHaveProperty('x-api-key');
		expect(request.auth).toBe('basic');
	});

	it('drops an auth header the caller set, so a mode can never send both kinds', async () => {
		const apiKeyMode = await credential.authenticate(
			{ authType: 'apiKey', apiKey: 'k-123456', username: 'u', password: 'p' },
			{ url: 'https://wholesale.agiletelecom.com/services/sms/credit', headers: { authorization: 'Basic Zm9vOmJhcg==' } },
		);
		expect(apiKeyMode.headers).toEqual({ 'X-Api-Key': 'k-123456' });
		expect(apiKeyMode.auth).toBeUndefined();

		const basicMode = await credential.authenticate(
			{ authType: 'basicAuth', apiKey: 'k-123456', username: 'u', password: 'p' },
			{
				url: 'https://wholesale.agiletelecom.com/services/sms/credit',
				headers: { 'x-api-key': 'k-123456', Accept: 'application/json' },
			},
		);
		expect(basicMode.headers).toEqual({ Accept: 'application/json' });
		expect(basicMode.auth).toEqual({ username: 'u', password: 'p' });
	});
});

describe('connection test (test.request resolved like n8n does)', () => {
	it.each([
		['wholesale', {}, 'https://wholesale.agiletelecom.com', '/services/sms/credit'],
		['secure', {}, 'https://secure.agiletelecom.com', '/services/sms/credit'],
		['httpApi', {}, 'https://http-api.agiletelecom.com', '/services/sms/credit'],
		['qlara', {}, 'https://lora-api.agiletelecom.com', '/api/services/sms/credit'],
		['custom', { baseUrl: 'https://sms-proxy.example.com/', customApiFormat: 'agile' }, 'https://sms-proxy.example.com', '/services/sms/credit'],
		['custom', { baseUrl: 'https://sms-proxy.example.com', customApiFormat: 'qlara' }, 'https://sms-proxy.example.com', '/api/services/sms/credit'],
	] as const)('%s %j → GET %s%s, nothing else', async (platform, extra, host, path) => {
		const credentials = { authType: 'apiKey', apiKey: 'test-api-key', platform, ...extra };
		const request = resolveTestRequest(credentials);
		expect(request).toEqual({ baseURL: host, url: path, method: 'GET', headers: { Accept: 'application/json' } });
		// The credential's own authenticate accepts the resolved target and adds only the key.
		const authenticated = await credential.authenticate(credentials, request);
		expect(authenticated).toEqual({ ...request, headers: { Accept: 'application/json', 'X-Api-Key': 'test-api-key' } });
	});

	it.each([
		['agile', 'apiKey', '/services/sms/credit'],
		['agile', 'basicAuth', '/services/sms/credit'],
		['qlara', 'apiKey', '/api/services/sms/credit'],
		['qlara', 'basicAuth', '/api/services/sms/credit'],
	] as const)('custom %s format, %s: one GET %s reaches the sandbox and no SMS is sent', async (format, authType, path) => {
		const response = await runConnectionTest(sandboxCredentials(sandbox.url, { customApiFormat: format, authType }));
		expect(response.statusCode).toBe(200);
		expect(response.body).toEqual({ credit: 1000 });
		expect(verdict(response)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.requests.map((r) => [r.method, r.path, r.body])).toEqual([['GET', path, undefined]]);
		expect(sandbox.requests[0].auth).toBe(authType === 'apiKey' ? 'apiKey' : 'basic');
		expect(sandbox.deliveries.size).toBe(0);
		expect(sandbox.stats.acceptedMessages).toBe(0);
	});

	it('a wrong key answers 401 and the test says the key or username/password is wrong', async () => {
		const response = await runConnectionTest(sandboxCredentials(sandbox.url, { apiKey: 'not-the-key' }));
		expect(response.statusCode).toBe(401);
		const message = ruleMessage(response.statusCode);
		expect(message).toMatch(/API key/);
		expect(message).toMatch(/username and password/);
		expect(sandbox.requests).toHaveLength(1);
	});

	it('a wrong Basic password answers 401 with the same message', async () => {
		const response = await runConnectionTest(
			sandboxCredentials(sandbox.url, { authType: 'basicAuth', password: 'wrong-password' }),
		);
		expect(response.statusCode).toBe(401);
		expect(ruleMessage(response.statusCode)).toMatch(/username and password/);
	});

	it('403 says the server IP is probably not whitelisted and where to fix it', async () => {
		sandbox.injectFaults([{ path: '/services/sms/credit', status: 403, body: { status: 'fail', message: 'Source IP is not allowed', code: 100 } }]);
		const response = await runConnectionTest(sandboxCredentials(sandbox.url));
		expect(response.statusCode).toBe(403);
		const message = ruleMessage(response.statusCode);
		expect(message).toMatch(/IP/);
		expect(message).toMatch(/whitelist/i);
		expect(message).toMatch(/portal/);
	});
});

describe('connection test: a JSend error inside a 200 fails it (agile-api.md §3.3, §5)', () => {
	const CREDIT = '/services/sms/credit';

	it.each([
		[1, 'Wrong credentials', 401, 'wrong credentials'],
		[11, 'User not found', 401, 'user not found (wrong credentials)'],
		[100, 'Source IP is not allowed', 403, 'source IP not allowed (IP whitelist)'],
		[2, 'Insufficient credit', 402, 'insufficient credit: top up the account'],
		[9, 'Number check service unavailable', 504, 'server error: service timeout'],
	])('code %i → the message the node shows for that code', async (code, text, status, meaning) => {
		const jsend = { status: 'error', message: text, code };
		sandbox.injectFaults([{ path: CREDIT, status: 200, body: jsend }]);
		const response = await runConnectionTest(sandboxCredentials(sandbox.url));
		expect(response).toMatchObject({ statusCode: 200, body: jsend });
		// The credit check is a read: after a 5xx nothing can have been sent, and the advice says so.
		const expected = `${statusText(status).what} (HTTP 200), error code ${code}: ${meaning}. ${statusText(status, true).todo}`;
		expect(verdict(response)).toEqual({ status: 'Error', message: expected });

		// Get Credit on the same answer fails with the same words (plus the provider's text) and the same advice.
		sandbox.injectFaults([{ path: CREDIT, status: 200, body: jsend }]);
		const run = executeBare({
			// No retry: code 9 stands for a 504, which a read would retry.
			node: { parameters: { resource: 'account', operation: 'getCredit', source: 'legacy', retry: { maxRetries: 0 } } },
			credentials: { [CREDENTIAL_TYPE]: sandboxCredentials(sandbox.url) },
		});
		await expect(run).rejects.toMatchObject({
			message: `${statusText(status).what} (HTTP 200), error code ${code}: ${meaning}: ${text}`,
			description: statusText(status, true).todo,
		});
	});

	it.each(['error', 'fail'])('a JSend "%s" without a known code fails with a generic message', async (status) => {
		sandbox.injectFaults([{ path: CREDIT, status: 200, body: { status, message: 'Something odd', code: 77 } }]);
		const result = verdict(await runConnectionTest(sandboxCredentials(sandbox.url)));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`JSend "${status}" (HTTP 200)`);
	});

	it('every documented JSend code has a rule, ahead of the generic ones', () => {
		const bodyRules = (credential.test.rules ?? []).filter((r) => r.type === 'responseSuccessBody');
		expect(bodyRules.map((r) => [r.properties.key, r.properties.value])).toEqual([
			...Object.keys(JSEND_CODES).map((code) => ['code', Number(code)]),
			['status', 'error'],
			['status', 'fail'],
		]);
	});
});

describe('plain http:// is refused except on loopback', () => {
	it.each([
		[{ url: 'http://wholesale.agiletelecom.com/services/sms/credit' }],
		[{ baseURL: 'http://sms-proxy.example.com', url: '/services/sms/credit' }],
		[{ url: 'http://10.0.0.5:8080/services/sms/credit' }],
	])('authenticate refuses %j', async (options) => {
		await expect(credential.authenticate({ authType: 'apiKey', apiKey: 'k-123456' }, options)).rejects.toThrow(
			/http:\/\/ is refused.*https:\/\//,
		);
	});

	it('authenticate refuses schemes other than https', async () => {
		await expect(
			credential.authenticate({ authType: 'apiKey', apiKey: 'k-123456' }, { url: 'ftp://sms.example.com/x' }),
		).rejects.toThrow(/Unsupported URL scheme/);
	});

	it.each([
		'http://127.0.0.1:8080/services/sms/credit',
		'http://localhost:8080/services/sms/credit',
		'http://[::1]:8080/services/sms/credit',
		'https://sms-proxy.example.com/services/sms/credit',
	])('authenticate allows %s', async (url) => {
		const result = await credential.authenticate({ authType: 'apiKey', apiKey: 'k-123456' }, { url });
		expect(result.url).toBe(url);
		expect(result.headers).toEqual({ 'X-Api-Key': 'k-123456' });
	});

	it('getConnection refuses a custom http:// base URL before anything is sent', async () => {
		const counter = countingCredential();
		const error = await inContext(
			{ credentials: sandboxCredentials('http://sms-proxy.example.com'), credentialType: counter.type },
			async (ctx) => await getConnection(ctx).then(
				() => undefined,
				(e: unknown) => e,
			),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/http:\/\/ is refused for sms-proxy\.example\.com/);
		expect((error as Error).message).toMatch(/Use https:\/\//);
		expect(counter.calls()).toBe(0);
	});

	it('getConnection accepts the loopback sandbox', async () => {
		const connection = await inContext({ credentials: sandboxCredentials(sandbox.url) }, async (ctx) => await getConnection(ctx));
		expect(connection.endpoints.credit).toBe(`${sandbox.url}/services/sms/credit`);
	});

	it('the node refuses to run with a non-loopback http:// credential', async () => {
		const run = executeBare({
			node: { parameters: { resource: 'account', operation: 'getCredit' } },
			credentials: { [CREDENTIAL_TYPE]: sandboxCredentials('http://sms-proxy.example.com') },
		});
		await expect(run).rejects.toThrow(/http:\/\/ is refused for sms-proxy\.example\.com/);
	});

	it('agileRequest refuses a non-loopback http:// URL even when the credential is fine', async () => {
		const counter = countingCredential();
		const error = await inContext(
			{ credentials: sandboxCredentials(sandbox.url), credentialType: counter.type },
			async (ctx) =>
				await agileRequest(ctx, await getConnection(ctx), {
					method: 'GET',
					url: 'http://sms-proxy.example.com/services/sms/credit',
					kind: 'read',
				}).then(
					() => undefined,
					(e: unknown) => e,
				),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/http:\/\/ is refused/);
		expect(counter.calls()).toBe(0);
	});
});

describe("as a predefined credential type of n8n's HTTP Request node (address in `uri`)", () => {
	// The HTTP Request node builds legacy request options ({ uri }) and calls requestWithAuthentication with them.
	it.each([
		['apiKey', 'test-api-key', undefined],
		['basicAuth', undefined, `Basic ${basicToken('test-user', 'test-pass')}`],
	] as const)('%s: the request reaches the server with only its own auth header', async (authType, apiKey, authorization) => {
		const body = await inContext(
			{ credentials: sandboxCredentials(sandbox.url, { authType, apiKey: 'test-api-key', username: 'test-user', password: 'test-pass' }) },
			async (ctx) =>
				(await ctx.helpers.requestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
					method: 'GET',
					uri: `${sandbox.url}/services/sms/credit`,
					json: true,
				})) as IDataObject,
		);
		expect(sandbox.requests.map((r) => [r.method, r.path, r.headers['x-api-key'], r.headers.authorization])).toEqual([
			['GET', '/services/sms/credit', apiKey, authorization],
		]);
		expect(sandbox.requests[0].status).toBe(200);
		expect(body).toHaveProperty('credit');
	});

	it('a non-loopback http:// `uri` is refused like a `url`', async () => {
		await expect(
			credential.authenticate({ authType: 'apiKey', apiKey: 'k-123456' }, {
				uri: 'http://sms-proxy.example.com/services/sms/credit',
			} as unknown as IHttpRequestOptions),
		).rejects.toThrow(/http:\/\/ is refused for sms-proxy\.example\.com/);
	});
});
