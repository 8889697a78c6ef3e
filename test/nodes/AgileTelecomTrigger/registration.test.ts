import { createHash } from 'crypto';
import { NodeApiError, type INodeParameters } from 'n8n-workflow';

import { sandboxCredentials } from '../../harness';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { PRODUCTION_URL, TEST_URL, createTriggerWorkflow } from './trigger-harness';

const PATH = '/api/partner-gateway/v1/webhooks/delivery-status';
const FOREIGN = 'https://crm.example.com/agile/dlr?key=THEIR-SECRET';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ webhookMode: 'conflict' });
});

/** Registration needs a Qlara account: the sandbox stands in for one through a custom URL with API Format Qlara. */
const qlaraCredentials = (overrides: Parameters<typeof sandboxCredentials>[1] = {}) =>
	sandboxCredentials(sandbox.url, { customApiFormat: 'qlara', ...overrides });

function triggerWith(parameters: INodeParameters) {
	return createTriggerWorkflow({
		parameters: { events: ['delivered'], registerWebhook: true, ...parameters },
		credentials: qlaraCredentials(),
	});
}

/** Registers a webhook as another integration would, straight on the sandbox. */
async function registerForeign(url = FOREIGN): Promise<void> {
	const response = await fetch(`${sandbox.url}${PATH}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'test-api-key' },
		body: JSON.stringify({ callbackUrl: url }),
	});
	expect(response.status).toBe(201);
	sandbox.requests.length = 0;
}

const calls = () => sandbox.requestsTo(PATH).map((r) => `${r.method} ${r.status ?? 'dropped'}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('Qlara webhook registration (checkExists / create / delete against the sandbox)', () => {
	it('does nothing when registration is off', async () => {
		const t = createTriggerWorkflow({ parameters: { events: ['delivered'] } });
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

	it('registers the URL with the secret token and keeps only a fingerprint of it', async () => {
		const t = triggerWith({ secretToken: 'tok-123' });
		await t.activate();
		expect(sandbox.webhook?.callbackUrl).toBe(`${PRODUCTION_URL}?token=tok-123`);
		expect(JSON.stringify(t.staticData())).not.toContain('tok-123');
	});

	it('moves its own registration with PUT when its URL changed (new token)', async () => {
		const first = triggerWith({ secretToken: 'old' });
		await first.activate();
		// The same node re-activated with another token: n8n hands it the static data the first activation stored.
		const t = triggerWith({ secretToken: 'new' });
		Object.assign(t.staticData(), first.staticData());
		sandbox.requests.length = 0;
		await t.activate();
		expect(calls()).toEqual(['GET 200', 'GET 200', 'PUT 200']);
		expect(sandbox.requestsTo(PATH, 'PUT')[0].body).toEqual({ callbackUrl: `${PRODUCTION_URL}?token=new` });
		expect(sandbox.webhook?.callbackUrl).toBe(`${PRODUCTION_URL}?token=new`);
	});

	describe.each(['conflict', 'replace'] as const)('a webhook the node did not create (server mode %s)', (mode) => {
		beforeEach(() => sandbox.configure({ webhookMode: mode }));

		it('fails activation with a 409 NodeApiError, changes nothing and never shows its query', async () => {
			await registerForeign();
			const t = triggerWith({});
			const error = await t.activate().then(
				() => undefined,
				(e: unknown) => e,
			);
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
			await registerForeign();
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
			await fetch(`${sandbox.url}${PATH}`, {
				method: 'PUT',
				headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'test-api-key' },
				body: JSON.stringify({ callbackUrl: FOREIGN }),
			});
			sandbox.requests.length = 0;
			await t.deactivate();
			expect(calls()).toEqual(['GET 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(FOREIGN);
			expect(t.staticData().registration).toBeUndefined();
		});
	});

	describe('409 on POST (a webhook appeared between the read and the create)', () => {
		it('fails clearly when the webhook is someone else\'s', async () => {
			await registerForeign();
			// The node's reads see nothing (as if the other webhook were created right after them).
			sandbox.injectFaults([{ method: 'GET', path: PATH, status: 404, body: { status: 404, error: 'Not Found' }, times: 2 }]);
			const t = triggerWith({});
			await expect(t.activate()).rejects.toMatchObject({ httpCode: '409', name: 'NodeApiError' });
			expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 409', 'GET 200']);
			expect(sandbox.webhook?.callbackUrl).toBe(FOREIGN);
		});

		it('succeeds without another write when the existing webhook is its own URL', async () => {
			await registerForeign(PRODUCTION_URL);
			sandbox.injectFaults([{ method: 'GET', path: PATH, status: 404, body: { status: 404, error: 'Not Found' }, times: 2 }]);
			const t = triggerWith({});
			await t.activate();
			expect(calls()).toEqual(['GET 404', 'GET 404', 'POST 409', 'GET 200']);
			expect(t.staticData().registration).toMatchObject({ urlFingerprint: sha256(PRODUCTION_URL) });
		});

		it('takes over with PUT after the 409 when Replace Existing Webhook is on', async () => {
			await registerForeign();
			sandbox.injectFaults([{ method: 'GET', path: PATH, status: 404, body: { status: 404, error: 'Not Found' }, times: 2 }]);
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

	it('a 401 from Qlara fails activation with the mapped credential error', async () => {
		const t = createTriggerWorkflow({
			parameters: { registerWebhook: true },
			credentials: qlaraCredentials({ apiKey: 'wrong-key' }),
		});
		await expect(t.activate()).rejects.toMatchObject({ httpCode: '401', name: 'NodeApiError' });
		expect(sandbox.requestsTo(PATH, 'POST')).toHaveLength(0);
	});

	describe('test webhooks (the editor listening, mode manual)', () => {
		it('register and remove the test URL when nothing is registered, without touching the record', async () => {
			const t = triggerWith({});
			await t.activate('manual');
			expect(sandbox.webhook?.callbackUrl).toBe(TEST_URL);
			expect(t.staticData().registration).toBeUndefined();
			await t.deactivate('manual');
			expect(sandbox.webhook).toBeUndefined();
		});

		it('never take over the production registration of the same node', async () => {
			const t = triggerWith({});
			await t.activate();
			sandbox.requests.length = 0;
			await expect(t.activate('manual')).rejects.toMatchObject({
				httpCode: '409',
				message: `The Qlara delivery-status webhook points to this node's production URL (${PRODUCTION_URL})`,
			});
			expect(calls()).toEqual(['GET 200', 'GET 200']);
			// Stopping the test must not remove production's webhook either.
			await t.deactivate('manual');
			expect(sandbox.webhook?.callbackUrl).toBe(PRODUCTION_URL);
			expect(t.staticData().registration).toMatchObject({ urlFingerprint: sha256(PRODUCTION_URL) });
		});
	});
});
