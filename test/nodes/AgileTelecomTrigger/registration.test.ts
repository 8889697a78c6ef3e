import { createHash } from 'crypto';
import { NodeApiError, NodeOperationError, type ICredentialDataDecryptedObject, type INodeParameters } from 'n8n-workflow';

import { sandboxCredentials } from '../../harness';
import { useSandbox } from '../../sandbox/lifecycle';
import { PRODUCTION_URL, TEST_URL, WEBHOOK_ID, createTriggerWorkflow, type TriggerWorkflowOptions } from './trigger-harness';

const PATH = '/api/partner-gateway/v1/webhooks/delivery-status';
const FOREIGN = 'https://crm.example.com/agile/dlr?key=THEIR-SECRET';
const TOKEN = 'example-token-7f3a9c1e';

const sandbox = useSandbox({ webhookMode: 'conflict' });

/** Registration needs a Qlara account: the sandbox stands in for one through a custom URL with API Format Qlara. */
const qlaraCredentials = (overrides: Parameters<typeof sandboxCredentials>[1] = {}) =>
	sandboxCredentials(sandbox.url, { customApiFormat: 'qlara', ...overrides });

function triggerWith(parameters: INodeParameters, options: Partial<TriggerWorkflowOptions> = {}) {
	return createTriggerWorkflow({
		parameters: { events: ['delivered'], authentication: 'none', registerWebhook: true, ...parameters },
		credentials: qlaraCredentials(),
		...options,
	});
}

/** The trigger as a new node is set up: its token in an Agile Telecom Webhook credential. */
function triggerWithToken(parameters: INodeParameters = {}, webhookCredentials: ICredentialDataDecryptedObject = { token: TOKEN }) {
	return triggerWith({ authentication: 'tokenCredential', ...parameters }, { webhookCredentials });
}

/** Registers a webhook as another integration would, straight on the sandbox. */
async function registerDirectly(url: string, method: 'POST' | 'PUT' = 'POST'): Promise<void> {
	const response = await fetch(`${sandbox.url}${PATH}`, {
		method,
		headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'test-api-key' },
		body: JSON.stringify({ callbackUrl: url }),
	});
	expect(response.status).toBe(method === 'POST' ? 201 : 200);
	sandbox.requests.length = 0;
}

const calls = () => sandbox.requestsTo(PATH).map((r) => `${r.method} ${r.status ?? 'dropped'}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const failure = async (promise: Promise<unknown>) =>
	await promise.then(
		() => undefined,
		(error: unknown) => error,
	);

describe('Qlara webhook registration (checkExists / create / delete against the sandbox)', () => {
	it('does nothing when registration is off', async () => {
		const t = createTriggerWorkflow({ parameters: { events: ['delivered'], authentication: 'none' } });
		expect(await t.runHook('checkExists')).toBe(true);
		expect(await t.runHook('create')).toBe(true);
		expect(await t.runHook('delete')).toBe(true);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('registers the production URL on activation, detects it, and removes it on deactivation', async () => {
		const t = triggerWith({});
		await t.activate();
		expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 201']);
		const post = sandbox.requestsTo(PATH, 'POST')[0];
		expect(post.body).toEqual({ callbackUrl: PRODUCTION_URL });
		expect(post.headers['content-type']).toBe('application/json');
		expect(post.headers['x-api-key']).toBe('test-api-key');
		expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_URL);
		expect(t.staticData().registration).toEqual({
			urlFingerprint: sha256(PRODUCTION_URL),
			webhookId: sandbox.webhook?.id,
			registeredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
		});

		sandbox.requests.length = 0;
		expect(await t.runHook('checkExists')).toBe(true);
		await t.activate();
		expect(calls()).toEqual(['GET 200', 'GET 200']);

		sandbox.requests.length = 0;
		await t.deactivate();
		expect(calls()).toEqual(['GET 200', 'DELETE 204']);
		expect(sandbox.webhook).toBeUndefined();
		expect(t.staticData().registration).toBeUndefined();
	});

	it('registers the URL with the credential token and keeps only a fingerprint of it', async () => {
		const t = triggerWithToken();
		await t.activate();
		expect(sandbox.webhook?.callbackUrl).toBe(`${PRODUCTION_URL}?token=${TOKEN}`);
		expect(t.staticData().registration).toMatchObject({ urlFingerprint: sha256(`${PRODUCTION_URL}?token=${TOKEN}`) });
		expect(JSON.stringify(t.staticData())).not.toContain(TOKEN);
	});

	it('version 1: registers the URL with the Secret Token field, as before', async () => {
		// A version 1 node as saved before this release: no Authentication parameter at all.
		const t = createTriggerWorkflow({
			parameters: { events: ['delivered'], registerWebhook: true, secretToken: 'tok-123' },
			typeVersion: 1,
			credentials: qlaraCredentials(),
		});
		await t.activate();
		expect(sandbox.webhook?.callbackUrl).toBe(`${PRODUCTION_URL}?token=tok-123`);
	});

	it('moves its own registration with PUT when its URL changed (new token)', async () => {
		const first = triggerWithToken({}, { token: 'example-old-token-01' });
		await first.activate();
		// The same node re-activated with another token: n8n hands it the static data the first activation stored.
		const t = triggerWithToken({}, { token: 'example-new-token-01' });
		Object.assign(t.staticData(), first.staticData());
		sandbox.requests.length = 0;
		await t.activate();
		expect(calls()).toEqual(['GET 200', 'GET 200', 'PUT 200']);
		expect(sandbox.requestsTo(PATH, 'PUT')[0].body).toEqual({ callbackUrl: `${PRODUCTION_URL}?token=example-new-token-01` });
	});

	it('recognises its own URL by its webhook id even without its record (static data lost)', async () => {
		await registerDirectly(`${PRODUCTION_URL}?token=older`);
		const t = triggerWithToken();
		await t.activate();
		expect(calls()).toEqual(['GET 200', 'GET 200', 'PUT 200']);
		expect(sandbox.webhook?.callbackUrl).toBe(`${PRODUCTION_URL}?token=${TOKEN}`);
	});

	it('deactivation still removes its webhook when the token can no longer be read', async () => {
		const options: TriggerWorkflowOptions = {
			parameters: { events: ['delivered'], authentication: 'tokenCredential', registerWebhook: true },
			credentials: qlaraCredentials(),
			webhookCredentials: { token: TOKEN },
		};
		const t = createTriggerWorkflow(options);
		await t.activate();
		options.webhookCredentials = { token: '' };
		sandbox.requests.length = 0;
		await t.deactivate();
		expect(calls()).toEqual(['GET 200', 'DELETE 204']);
		expect(sandbox.webhook).toBeUndefined();
	});

	describe.each(['conflict', 'replace'] as const)('a webhook the node did not create (server mode %s)', (mode) => {
		beforeEach(() => sandbox.configure({ webhookMode: mode }));
		afterEach(() => sandbox.configure({ webhookMode: 'conflict' }));

		it('fails activation with a 409 NodeApiError, changes nothing and never shows its query', async () => {
			await registerDirectly(FOREIGN);
			const error = await failure(triggerWith({}).activate());
			expect(error).toBeInstanceOf(NodeApiError);
			const apiError = error as NodeApiError;
			expect(apiError.httpCode).toBe('409');
			expect(apiError.message).toBe(
				'A Qlara delivery-status webhook is already registered for this account, pointing to https://crm.example.com/agile/dlr?…',
			);
			expect(apiError.description).toContain('Replace Existing Webhook');
			expect(JSON.stringify(apiError)).not.toContain('THEIR-SECRET');
			expect(calls()).toEqual(['GET 200', 'GET 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(FOREIGN);
		});

		it('is taken over with PUT only when Replace Existing Webhook is on', async () => {
			await registerDirectly(FOREIGN);
			const t = triggerWith({ replaceExistingWebhook: true });
			await t.activate();
			expect(calls()).toEqual(['GET 200', 'GET 200', 'PUT 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_URL);
			sandbox.requests.length = 0;
			await t.deactivate();
			expect(calls()).toEqual(['GET 200', 'DELETE 204']);
		});

		it('is left alone on deactivation when someone replaced ours meanwhile', async () => {
			const t = triggerWith({});
			await t.activate();
			await registerDirectly(FOREIGN, 'PUT');
			await t.deactivate();
			expect(calls()).toEqual(['GET 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(FOREIGN);
			expect(t.staticData().registration).toBeUndefined();
		});
	});

	describe('409 on POST (a webhook appeared between the read and the create)', () => {
		const hideIt = () =>
			sandbox.injectFaults([{ method: 'GET', path: PATH, status: 404, body: { status: 404, error: 'Not Found' }, times: 2 }]);

		it("fails clearly when the webhook is someone else's", async () => {
			await registerDirectly(FOREIGN);
			hideIt();
			await expect(triggerWith({}).activate()).rejects.toMatchObject({ httpCode: '409', name: 'NodeApiError' });
			expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 409', 'GET 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(FOREIGN);
		});

		it('succeeds without another write when the existing webhook is its own URL', async () => {
			await registerDirectly(PRODUCTION_URL);
			hideIt();
			const t = triggerWith({});
			await t.activate();
			expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 409', 'GET 200']);
			expect(t.staticData().registration).toMatchObject({ urlFingerprint: sha256(PRODUCTION_URL) });
		});

		it('takes over with PUT after the 409 when Replace Existing Webhook is on', async () => {
			await registerDirectly(FOREIGN);
			hideIt();
			await triggerWith({ replaceExistingWebhook: true }).activate();
			expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 409', 'GET 200', 'PUT 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_URL);
		});
	});

	it('retries a 500 on POST (creation is idempotent by construction) and registers once', async () => {
		sandbox.injectFaults([{ method: 'POST', path: PATH, status: 500, body: { status: 500, error: 'Internal' } }]);
		await triggerWith({}).activate();
		expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 500', 'POST 201']);
		expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_URL);
	});

	it('a refusal that echoes the callback URL shows the token nowhere: message, description, context, serialised error', async () => {
		const echoed = `${PRODUCTION_URL}?token=${TOKEN}`;
		sandbox.injectFaults([
			{ path: PATH, method: 'POST', status: 400, body: { status: 400, error: 'Bad Request', message: `callbackUrl '${echoed}' is not reachable`, callbackUrl: echoed } },
		]);
		const t = triggerWithToken();
		const error = await failure(t.activate());
		expect(error).toBeInstanceOf(NodeApiError);
		const apiError = error as NodeApiError;
		expect(sandbox.requestsTo(PATH, 'POST')[0].body).toEqual({ callbackUrl: echoed });
		expect(apiError.message).toContain(`callbackUrl '${PRODUCTION_URL}?token=***' is not reachable`);
		for (const text of [apiError.message, apiError.description ?? '', JSON.stringify(apiError.context), JSON.stringify(apiError), JSON.stringify(apiError.toJSON?.())]) {
			expect(text).not.toContain(TOKEN);
		}
	});

	it('a 401 from Qlara fails activation with the mapped credential error', async () => {
		const t = triggerWith({}, { credentials: qlaraCredentials({ apiKey: 'wrong-key' }) });
		await expect(t.activate()).rejects.toMatchObject({ httpCode: '401', name: 'NodeApiError' });
		expect(sandbox.requestsTo(PATH, 'POST')).toHaveLength(0);
	});
});

describe('listening for a test event never touches what the production workflow owns', () => {
	const TEST_WITH_TOKEN = `${TEST_URL}?token=${TOKEN}`;
	const PRODUCTION_WITH_TOKEN = `${PRODUCTION_URL}?token=${TOKEN}`;

	it('registers the test URL when nothing is registered, and removes it when the test stops', async () => {
		const t = triggerWithToken();
		await t.listenForTestEvent();
		expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 201']);
		expect(sandbox.webhook?.callbackUrl).toBe(TEST_WITH_TOKEN);
		expect(t.staticData().registration).toBeUndefined();
		sandbox.requests.length = 0;
		await t.stopListening();
		expect(calls()).toEqual(['GET 200', 'DELETE 204']);
		expect(sandbox.webhook).toBeUndefined();
	});

	describe.each([false, true])('with Replace Existing Webhook %s', (replaceExistingWebhook) => {
		it("refuses to move the active workflow's webhook, explains why, and stopping the test leaves it in place", async () => {
			const t = triggerWithToken({ replaceExistingWebhook });
			await t.activate();
			const registered = sandbox.webhook;
			sandbox.requests.length = 0;

			const error = await failure(t.listenForTestEvent());
			expect(error).toBeInstanceOf(NodeApiError);
			const apiError = error as NodeApiError;
			expect(apiError.httpCode).toBe('409');
			expect(apiError.message).toBe(`The Qlara delivery-status webhook points to this workflow's production URL (${PRODUCTION_URL}?…)`);
			expect(apiError.description).toContain('leaves it alone');
			expect(apiError.description).toContain('deactivate the workflow');
			// The node no longer recommends the option that moved production's webhook.
			expect(apiError.description).not.toMatch(/turn on "?Replace Existing Webhook/);
			expect(JSON.stringify(apiError)).not.toContain(TOKEN);
			// Reads only: checkExists, create, and the delete n8n runs after a failed test registration.
			expect(calls()).toEqual(['GET 200', 'GET 200', 'GET 200']);
			expect(sandbox.webhook).toEqual(registered);

			sandbox.requests.length = 0;
			await t.deactivate();
			expect(calls()).toEqual(['GET 200', 'DELETE 204']);
		});
	});

	it('a stopped test leaves a production registration made while it was listening', async () => {
		const t = triggerWithToken();
		await t.listenForTestEvent();
		// The workflow is activated during the test: production takes over its own test registration, no Replace needed.
		await t.activate();
		expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_WITH_TOKEN);
		sandbox.requests.length = 0;
		await t.stopListening();
		expect(calls()).toEqual(['GET 200']);
		expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_WITH_TOKEN);
		expect(t.staticData().registration).toMatchObject({ urlFingerprint: sha256(PRODUCTION_WITH_TOKEN) });
	});

	it('moves a test registration it left behind (another token) instead of refusing it', async () => {
		await registerDirectly(`${TEST_URL}?token=earlier`);
		const t = triggerWithToken();
		await t.listenForTestEvent();
		expect(calls()).toEqual(['GET 200', 'GET 200', 'PUT 200']);
		expect(sandbox.webhook?.callbackUrl).toBe(TEST_WITH_TOKEN);
		await t.stopListening();
		expect(sandbox.webhook).toBeUndefined();
	});

	it('takes over a foreign webhook only with Replace Existing Webhook, for the length of the test', async () => {
		await registerDirectly(FOREIGN);
		const refused = triggerWithToken();
		await expect(refused.listenForTestEvent()).rejects.toMatchObject({ httpCode: '409' });
		expect(sandbox.webhook?.callbackUrl).toBe(FOREIGN);

		const t = triggerWithToken({ replaceExistingWebhook: true });
		await t.listenForTestEvent();
		expect(sandbox.webhook?.callbackUrl).toBe(TEST_WITH_TOKEN);
		await t.stopListening();
		expect(sandbox.webhook).toBeUndefined();
	});

	it('the URL of another node (another webhook id) is foreign, even on the same n8n', async () => {
		const otherNode = PRODUCTION_URL.replace(WEBHOOK_ID, '11111111-2222-4333-8444-555555555555');
		await registerDirectly(otherNode);
		await expect(triggerWithToken().listenForTestEvent()).rejects.toMatchObject({
			message: expect.stringContaining('already registered for this account'),
		});
		expect(sandbox.webhook?.callbackUrl).toBe(otherNode);
	});
});

describe('activation checks', () => {
	it.each(['Europe/Rom', 'GMT+2', 'Italy'])('an Inbound Time Zone of %j fails activation naming the field, before any request', async (zone) => {
		const t = triggerWith({ options: { inboundTimeZone: zone } });
		const error = await failure(t.activate());
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(`Inbound Time Zone "${zone}" is not a time zone`);
		expect((error as NodeOperationError).description).toContain('Europe/Rome');
		expect(sandbox.requests).toHaveLength(0);
		await expect(t.listenForTestEvent()).rejects.toThrow('Inbound Time Zone');
	});

	it('checks the time zone also when registration is off', async () => {
		const t = createTriggerWorkflow({ parameters: { authentication: 'none', options: { inboundTimeZone: 'Nowhere/City' } } });
		await expect(t.activate()).rejects.toThrow('Inbound Time Zone "Nowhere/City" is not a time zone');
		await expect(createTriggerWorkflow({ parameters: { authentication: 'none', options: { inboundTimeZone: ' UTC ' } } }).activate()).resolves.toBeUndefined();
	});

	it('a token credential with an empty token fails activation', async () => {
		const t = createTriggerWorkflow({ parameters: { authentication: 'tokenCredential' }, webhookCredentials: { token: '  ' } });
		await expect(t.activate()).rejects.toThrow('The Agile Telecom Webhook credential has an empty Token');
	});
});
