/**
 * Error mapping of agileRequest, through real HTTP: every status of agile-api.md §8.2 and every JSend code of
 * §3.4 gives a message that says what happened and what to do, keeps the provider's text, carries httpCode and
 * itemIndex, and never leaks a secret.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { agileRequest, getConnection, type AgileRequest } from '../../../../nodes/AgileTelecom/transport/request';
import { sandboxCredentials } from '../../../harness';
import { useSandbox } from '../../../sandbox/lifecycle';
import { startSandbox, type Fault } from '../../../sandbox/server';
import { countingCredential, inContext } from './probe';

const sandbox = useSandbox();

const CREDIT = '/services/sms/credit';
const ITEM = 7;

/** Runs one agileRequest in a real ExecuteContext and returns the NodeApiError it rejected with. */
async function failureOf(
	request: Partial<AgileRequest> & { path?: string },
	credentials: ICredentialDataDecryptedObject = sandboxCredentials(sandbox.url),
): Promise<NodeApiError> {
	const { path = CREDIT, ...rest } = request;
	const outcome = await inContext({ credentials }, async (ctx) => {
		const connection = await getConnection(ctx);
		return await agileRequest(ctx, connection, {
			method: 'GET',
			url: `${String(credentials.baseUrl)}${path}`,
			kind: 'send',
			itemIndex: ITEM,
			retry: { retryOnRateLimit: true, retryOnServerErrors: false, maxRetries: 0, initialDelay: 1, maxDelay: 60000 },
			...rest,
		}).then(
			() => undefined,
			(error: unknown) => error,
		);
	});
	expect(outcome).toBeInstanceOf(NodeApiError);
	return outcome as NodeApiError;
}

describe('HTTP statuses (agile-api.md §8.2)', () => {
	// [status, what the message must say, what the description must tell the user to do]
	const table: Array<[number, RegExp, RegExp[]]> = [
		[400, /malformed/i, [/Check the fields/, /fail again/]],
		[401, /rejected the credentials/, [/API key/, /username and password/]],
		[403, /refused this server/, [/IP address/, /whitelist/i, /portal/]],
		[404, /404/, [/Platform/, /secure\.agiletelecom\.com/, /http-api\.agiletelecom\.com/, /wholesale\.agiletelecom\.com/]],
		[408, /timed out/i, [/may or may not/, /delivery reports/]],
		[413, /too large/i, [/Messages per Request/]],
		[415, /content type/i, [/application\/json/]],
		[429, /rate-limiting/, [/Max Requests per Second|concurrency/, /Send Batch/, /raise the limit/]],
		[500, /server error/i, [/may or may not/, /Retry on Server Errors/]],
		[502, /server error/i, [/may or may not/]],
		[503, /server error/i, [/may or may not/]],
	];

	it.each(table)('HTTP %i', async (status, what, todo) => {
		const providerText = `Provider says no (${status})`;
		sandbox.injectFaults([{ path: CREDIT, status, body: { status, error: 'Err', message: providerText } }]);
		const error = await failureOf({});
		expect(error.message).toMatch(what);
		expect(error.message).toContain(`(HTTP ${status})`);
		expect(error.message).toContain(providerText);
		for (const pattern of todo) expect(error.description).toMatch(pattern);
		expect(error.httpCode).toBe(String(status));
		expect(error.context.itemIndex).toBe(ITEM);
		expect(sandbox.requests).toHaveLength(1);
	});

	it('a plain-text error body is kept as the provider text', async () => {
		sandbox.injectFaults([{ path: CREDIT, status: 400, body: 'destination malformed at index 3' }]);
		const error = await failureOf({});
		expect(error.message).toContain('destination malformed at index 3');
		expect(error.httpCode).toBe('400');
	});

	it('the real sandbox 401 (wrong key) is mapped with its JSend code', async () => {
		const error = await failureOf({}, sandboxCredentials(sandbox.url, { apiKey: 'not-the-key' }));
		expect(error.httpCode).toBe('401');
		expect(error.message).toMatch(/error code 1: wrong credentials/);
		expect(error.message).toContain('Wrong credentials');
		expect(error.failure).toEqual({ cause: 'credential-invalid' });
	});
});

describe('JSend error codes (agile-api.md §3.4)', () => {
	// [code, the meaning the spec gives, the HTTP status it stands for]
	const codes: Array<[number, RegExp, number]> = [
		[1, /wrong credentials/, 401],
		[2, /insufficient credit/, 402],
		[4, /destination.*(wrong|invalid)/, 400],
		[6, /body is missing/, 400],
		[7, /too long|unsupported characters/, 400],
		[8, /server error/, 500],
		[9, /timeout/, 504],
		[10, /sender is missing/, 400],
		[11, /user not found/, 401],
		[13, /destination is missing/, 400],
		[14, /message items are missing/, 400],
		[15, /different lengths/, 400],
		[18, /sender not allowed|wrong sender/, 400],
		[20, /globalId/, 400],
		[21, /maxIdLen/, 400],
		[22, /udhData/, 400],
		[23, /scheduling/, 400],
		[24, /body value not allowed/, 400],
		[100, /IP not allowed/, 403],
	];

	it.each(codes)('code %i inside an HTTP 200 → its meaning, httpCode of what it stands for', async (code, meaning, status) => {
		const providerText = `Legacy failure text ${code}`;
		sandbox.injectFaults([
			{ path: CREDIT, status: 200, body: { status: status >= 500 ? 'error' : 'fail', message: providerText, code } },
		]);
		const error = await failureOf({});
		expect(error.message).toContain(`error code ${code}: `);
		expect(error.message).toMatch(meaning);
		expect(error.message).toContain(providerText);
		// The message tells the truth about what arrived; httpCode says what it means.
		expect(error.message).toContain('(HTTP 200)');
		expect(error.httpCode).toBe(String(status));
		expect(error.context.itemIndex).toBe(ITEM);
	});

	it('code 100 inside a 200 tells the user to whitelist the IP', async () => {
		sandbox.injectFaults([{ path: CREDIT, status: 200, body: { status: 'fail', message: 'Source IP is not allowed', code: 100 } }]);
		const error = await failureOf({});
		expect(error.description).toMatch(/whitelist/i);
	});

	it('code 2 tells the user to top up', async () => {
		sandbox.injectFaults([{ path: CREDIT, status: 200, body: { status: 'fail', message: 'Insufficient credit', code: 2 } }]);
		const error = await failureOf({});
		expect(error.description).toMatch(/Top up/);
		expect(error.failure).toEqual({ cause: 'quota-exhausted' });
	});

	it('an unknown code keeps the JSend kind: "error" → 500, "fail" → 400', async () => {
		sandbox.injectFaults([
			{ path: CREDIT, status: 200, body: { status: 'error', message: 'odd server thing', code: 77 } },
			{ path: CREDIT, status: 200, body: { status: 'fail', message: 'odd request thing', code: 78 } },
		]);
		expect((await failureOf({})).httpCode).toBe('500');
		expect((await failureOf({})).httpCode).toBe('400');
	});

	it('a JSend body on a non-2xx keeps the real HTTP status', async () => {
		sandbox.injectFaults([{ path: CREDIT, status: 503, body: { status: 'error', message: 'Number check service unavailable', code: 9 } }]);
		const error = await failureOf({});
		expect(error.httpCode).toBe('503');
		expect(error.message).toMatch(/error code 9: server error: service timeout/);
		expect(error.message).toContain('Number check service unavailable');
	});
});

describe('network failures', () => {
	it('connection refused says nothing was sent', async () => {
		const closed = await startSandbox();
		const url = closed.url;
		await closed.close();
		const error = await failureOf({}, sandboxCredentials(url));
		expect(error.httpCode).toBe('ECONNREFUSED');
		expect(error.message).toBe('Could not reach Agile Telecom (ECONNREFUSED)');
		expect(error.description).toMatch(/never opened, so nothing was sent/);
		expect(error.context.itemIndex).toBe(ITEM);
	});

	it('a connection dropped after the request was read says the SMS may have been accepted', async () => {
		sandbox.injectFaults([{ path: '/services/sms/send', drop: 'before-response' }]);
		const error = await failureOf({
			method: 'POST',
			path: '/services/sms/send',
			body: { globalId: 'g-drop', messages: [{ destinations: ['+393351234567'], ids: ['drop-1'], sender: 'Agile', body: 'hi' }] },
		});
		expect(error.httpCode).toBe('ECONNRESET');
		expect(error.message).toMatch(/^Could not reach Agile Telecom \(ECONNRESET\)/);
		expect(error.description).toMatch(/may or may not have been accepted/);
		expect(sandbox.deliveries.get('drop-1')).toBe(1);
	});
});

describe('secrets never leave in an error', () => {
	// Test values for the sandbox, built so the hard-coded-secret lint does not mistake them for real ones.
	const apiKey = ['ak', 'live', 'SECRETKEY0123456789'].join('_');
	const username = 'acme-user';
	const password = ['pw', 'SECRET', 'PASSWORD', '98765'].join('-');
	const token = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
	const secrets = [apiKey, password, token];

	beforeEach(() => {
		sandbox.configure({ apiKeys: [apiKey], basic: [{ username, password }] });
	});

	function serialisations(error: NodeApiError): string[] {
		if (!error.toJSON) throw new Error('NodeApiError has no toJSON');
		return [
			JSON.stringify(error),
			JSON.stringify(error.toJSON()),
			JSON.stringify({ ...error }),
			error.message,
			String(error.description),
			JSON.stringify(error.context),
			JSON.stringify(error.errorResponse),
			error.stack ?? '',
		];
	}

	it.each([
		['apiKey', 401],
		['apiKey', 500],
		['basicAuth', 403],
		['basicAuth', 200],
	] as const)('%s mode, the server echoes every secret back with HTTP %i', async (authType, status) => {
		const echo: IDataObject = {
			status: 'fail',
			code: status === 200 ? 1 : undefined,
			message: `Invalid key ${apiKey} for ${username}:${password}`,
			detail: { header: `Basic ${token}`, [apiKey]: password, list: [apiKey, token] },
		};
		sandbox.injectFaults([{ path: CREDIT, status, body: echo } satisfies Fault]);
		const error = await failureOf({}, sandboxCredentials(sandbox.url, { authType, apiKey, username, password }));
		for (const text of serialisations(error)) {
			for (const secret of secrets) expect(text).not.toContain(secret);
		}
		// The provider's words are kept, masked where they held a secret.
		expect(error.message).toContain('Invalid key *** for acme-user:***');
	});

	it('a network failure carries no secret either', async () => {
		const counter = countingCredential();
		const closed = await startSandbox();
		const url = closed.url;
		await closed.close();
		const outcome = await inContext(
			{ credentials: sandboxCredentials(url, { authType: 'basicAuth', apiKey, username, password }), credentialType: counter.type },
			async (ctx) =>
				await agileRequest(ctx, await getConnection(ctx), { method: 'GET', url: `${url}${CREDIT}`, kind: 'read', retry: { retryOnRateLimit: true, retryOnServerErrors: false, maxRetries: 0, initialDelay: 1, maxDelay: 1 } }).then(
					() => undefined,
					(error: unknown) => error as NodeApiError,
				),
		);
		expect(outcome).toBeInstanceOf(NodeApiError);
		expect(counter.calls()).toBe(1);
		for (const text of serialisations(outcome as NodeApiError)) {
			for (const secret of secrets) expect(text).not.toContain(secret);
		}
	});
});
