// End-to-end: the Agile Telecom Trigger inside a REAL n8n 2.41.1 (scripts/n8n), published the way the editor
// publishes, fed every documented callback on its production URL, against the project's sandbox (the Qlara
// webhook registry and Qlara's side of the delivery: sandbox.notifyWebhook).
// Run with `npm run test:e2e` (or, after `npm run build`, `node --test test/e2e/trigger.test.mjs`).
//
// What left the trigger is observed where a user would see it: each live workflow sends its items to a local
// collector with n8n's HTTP Request node, and n8n's execution list says whether a request started a run.
// Environment: E2E_TGZ=<path> tests that tarball instead of packing the repo's dist/.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { N8N_VERSION } from '../../scripts/n8n/paths.mjs';
import { createInstance, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const TRIGGER_TYPE = 'n8n-nodes-agiletelecom.agileTelecomTrigger';
const TRIGGER_NAME = 'Agile Telecom Trigger';
const WEBHOOK_PATH = '/api/partner-gateway/v1/webhooks/delivery-status';
const TOKEN = 'example-e2e-token-4f9a2c7d';
const LEGACY_TOKEN = 'example-legacy-token-81b3';
const HOOK = {
	live: '7d0f6a4e-3c1b-4f2a-9e8d-5b6c7a8d9e0f',
	legacy: '2b8e4c6a-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
	badZone: '5c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
	once: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
	echo: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
};

// The documented payloads (agile-api.md §4.3, §6.1, §6.3, §6.4, §14), verbatim where the docs print one.
const PAYLOADS = {
	'§4.3 SMS Universal callback, part 2 of 3': {
		channel: 'SMS', eventType: 'DELIVERY', messageId: 'uuid-e2e-universal', statusCode: 3, statusDescription: 'Delivered',
		price: 0.035, numPart: 2, totalParts: 3, timestamp: '2024-01-15T10:30:00Z',
	},
	'§6.1 wholesale DLR': {
		id: 'msg_abc123', globalId: 'req_1234567890', destination: '+393351234567', status: 'DELIVERED', statusCode: 0,
		submitDate: '2026-05-14T10:23:11.000+0200', doneDate: '2026-05-14T10:23:14.221+0200', operator: 'TIM', parts: 1,
	},
	'§6.3 Qlara DELIVERY': {
		eventType: 'DELIVERY', messageId: 'e76614d1-4ac1-4d94-89f0-d07f1b5a190c', customerMessageId: 'order-12345',
		destination: '+393401234567', statusCode: 3, description: 'Message delivered', channel: 'SMS', timestamp: '2026-04-09T10:30:00Z',
	},
	'§6.3 Qlara READ': {
		eventType: 'READ', messageId: 'e76614d1-4ac1-4d94-89f0-d07f1b5a190c', destination: '+393401234567', channel: 'WHATSAPP',
		timestamp: '2026-04-09T10:31:15Z',
	},
	'§6.3 Qlara INBOUND': {
		eventType: 'INBOUND', source: '+393401234567', destination: '+393409876543', text: 'Yes, I confirm my appointment',
		channel: 'WHATSAPP', messageType: 'TEXT', timestamp: '2026-04-09T10:32:00Z',
	},
	'§6.4 partner-gateway payload': {
		messageId: 'msg_1234567890', customerMessageId: 'your_reference_id', phoneNumber: '+393901234567', status: 'DELIVERED',
		timestamp: '2025-04-08T14:30:00Z', channel: 'sms', error: null,
	},
};
const EXPECTED = {
	'§4.3 SMS Universal callback, part 2 of 3': { event: 'delivery', platform: 'universal', status: 'delivered', delivered: true, final: true, part: 2, parts: 3, price: 0.035 },
	'§6.1 wholesale DLR': { event: 'delivery', platform: 'wholesale', messageId: 'msg_abc123', status: 'delivered', final: true, operator: 'TIM', doneAt: '2026-05-14T08:23:14.221Z' },
	'§6.3 Qlara DELIVERY': { event: 'delivery', platform: 'qlara', customerMessageId: 'order-12345', status: 'delivered', destination: '+393401234567' },
	'§6.3 Qlara READ': { event: 'read', platform: 'qlara', channel: 'WHATSAPP' },
	'§6.3 Qlara INBOUND': { event: 'inbound', platform: 'qlara', from: '+393401234567', text: 'Yes, I confirm my appointment' },
	'§6.4 partner-gateway payload': { event: 'delivery', platform: 'partnerGatewayLegacy', status: 'delivered', destination: '+393901234567', channel: 'SMS' },
};
const INBOUND_FORM = 'originator=%2B393351234567&destination=%2B393330000000&date_time=20260514102301&text=Ciao+%C3%A0+tutti';

let sandbox;
let n8n;
let server;
let collector;
const cred = {};
const WF = {};

/** A local HTTP server that records what each workflow's HTTP Request node posts (one item per request). */
async function startCollector() {
	const received = [];
	const waiters = [];
	const srv = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ path: req.url, json: JSON.parse(body) });
			res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
			for (const w of waiters.splice(0)) w();
		});
	});
	await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${srv.address().port}`,
		received,
		/** Resolves with the next `count` items posted to `path` after `from` (an index into `received`). */
		async next(path, from, count = 1, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const items = received.slice(from).filter((r) => r.path === path).map((r) => r.json);
				if (items.length >= count) return items;
				if (Date.now() > deadline) throw new Error(`collector: ${items.length}/${count} items on ${path} after ${timeoutMs} ms`);
				await new Promise((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, 250);
				});
			}
		},
		close: () => new Promise((resolve) => srv.close(resolve)),
	};
}

async function waitUntil(what, predicate, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await predicate();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Trigger → (nodes in between) → HTTP Request posting every item to the collector under `/<tag>`. */
function triggerWorkflow(id, tag, { webhookId, typeVersion = 1.1, parameters, credentials, between = [] }) {
	const collect = {
		name: 'Collect',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${collector.url}/${tag}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
	const nodes = [
		{ id: `${id}-t`, name: TRIGGER_NAME, type: TRIGGER_TYPE, typeVersion, position: [0, 0], webhookId, parameters, credentials },
		...[...between, collect].map((node, i) => ({ id: `${id}-${i}`, position: [240 * (i + 1), 0], ...node })),
	];
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: `trigger e2e: ${tag}`, settings: { executionOrder: 'v1' }, nodes, connections };
}

/** The README's recipe for acting once per multipart message: If final → Remove Duplicates on messageId. */
const ONCE_PER_MESSAGE = [
	{
		name: 'Final Only',
		type: 'n8n-nodes-base.filter',
		typeVersion: 2.2,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id: 'final', leftValue: '={{ $json.final }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
				combinator: 'and',
			},
			options: {},
		},
	},
	{
		name: 'Once per Message',
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		parameters: { operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsWithAlreadySeenKeyValues', dedupeValue: '={{ $json.messageId }}', options: {} },
	},
];

const productionUrl = (webhookId) => `${server.baseUrl}/webhook/${webhookId}/webhook`;
const testUrl = (webhookId) => `${server.baseUrl}/webhook-test/${webhookId}/webhook`;

async function post(url, body, headers = { 'content-type': 'application/json' }) {
	const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
	return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

/**
 * The number of stored runs of the live workflow once every run seen by the collector is stored (each of its runs
 * here posts one item): n8n stores a run after it finishes, so a bare count can lag behind.
 */
async function settledLiveRuns() {
	return await waitUntil('the live runs to be stored', async () => {
		const count = await server.executionCount(WF.live.id);
		return count === collector.received.filter((r) => r.path === '/live').length ? { count } : undefined;
	}).then((r) => r.count);
}

const webhookCalls = () => sandbox.requestsTo(WEBHOOK_PATH).map((r) => `${r.method} ${r.status}`);

/** Publishes a workflow and waits until its production URL is live (n8n registers webhooks after answering). */
async function activate(workflow, webhookId) {
	const r = await server.activateWorkflow(workflow.id);
	assert.equal(r.status, 200, r.text.slice(0, 500));
	await waitUntil(`${workflow.name} to be live`, async () => (await post(productionUrl(webhookId), '')).status !== 404);
}

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	collector = await startCollector();
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	cred.agile = { ...demoCredential(sandbox.url), id: 'e2eTrigAgile0001', name: 'e2e agile' };
	cred.hook = { id: 'e2eTrigToken0001', name: 'e2e webhook token', type: 'agileTelecomWebhookApi', data: { token: TOKEN } };
	await n8n.importCredentials([cred.agile, cred.hook]);
	const credentials = {
		agileTelecomApi: { id: cred.agile.id, name: cred.agile.name },
		agileTelecomWebhookApi: { id: cred.hook.id, name: cred.hook.name },
	};
	WF.live = triggerWorkflow('e2eTriggerLive01', 'live', {
		webhookId: HOOK.live,
		parameters: { authentication: 'tokenCredential', registerWebhook: true, replaceExistingWebhook: true },
		credentials,
	});
	// A version 1 node as saved before node version 1.1: the token in the Secret Token field, no Authentication.
	WF.legacy = triggerWorkflow('e2eTriggerLegacy', 'legacy', { webhookId: HOOK.legacy, typeVersion: 1, parameters: { secretToken: LEGACY_TOKEN } });
	WF.badZone = triggerWorkflow('e2eTriggerBadTz1', 'badZone', {
		webhookId: HOOK.badZone,
		parameters: { authentication: 'none', options: { inboundTimeZone: 'Europe/Rom' } },
	});
	WF.once = triggerWorkflow('e2eTriggerOnce01', 'once', {
		webhookId: HOOK.once,
		parameters: { authentication: 'tokenCredential' },
		credentials: { agileTelecomWebhookApi: credentials.agileTelecomWebhookApi },
		between: ONCE_PER_MESSAGE,
	});
	// Registration refused by an answer that echoes the callback URL, token included (the sandbox's webhookEchoesUrl).
	WF.echo = triggerWorkflow('e2eTriggerEcho01', 'echo', {
		webhookId: HOOK.echo,
		parameters: { authentication: 'tokenCredential', registerWebhook: true, replaceExistingWebhook: true },
		credentials,
	});
	await n8n.importWorkflows([WF.live, WF.legacy, WF.badZone, WF.once, WF.echo]);
	server = await n8n.start();
	await server.setupOwner();
	sandbox.reset();
	await activate(WF.live, HOOK.live);
	await activate(WF.legacy, HOOK.legacy);
	await activate(WF.once, HOOK.once);
});

after(async () => {
	await server?.stop();
	await n8n?.dispose();
	await collector?.close();
	await sandbox?.close();
});

describe('Agile Telecom Trigger in a real n8n, published', () => {
	test('publishing registered the production URL, with the credential token, as the Qlara webhook', () => {
		assert.deepEqual(webhookCalls(), ['GET 404', 'GET 404', 'POST 201']);
		assert.equal(sandbox.webhook.callbackUrl, `${productionUrl(HOOK.live)}?token=${TOKEN}`);
		const postRequest = sandbox.requestsTo(WEBHOOK_PATH, 'POST')[0];
		assert.equal(postRequest.headers['x-api-key'], 'test-api-key');
		assert.deepEqual(postRequest.body, { callbackUrl: `${productionUrl(HOOK.live)}?token=${TOKEN}` });
	});

	for (const [label, payload] of Object.entries(PAYLOADS)) {
		test(`${label}: +OK on the production URL, one item out`, async (t) => {
			const from = collector.received.length;
			const r = await post(`${productionUrl(HOOK.live)}?token=${TOKEN}`, payload);
			assert.deepEqual([r.status, r.body, r.contentType], [200, '+OK', 'text/plain; charset=utf-8']);
			const [item] = await collector.next('/live', from);
			for (const [key, value] of Object.entries(EXPECTED[label])) assert.deepEqual(item[key], value, `${label}: ${key}`);
			assert.deepEqual(item.raw, payload);
			t.diagnostic(`${label} → ${JSON.stringify(pick(item))}`);
		});
	}

	test('§14 inbound SMS as a form POST: exactly +OK, time read in Europe/Rome', async (t) => {
		const from = collector.received.length;
		const r = await post(`${productionUrl(HOOK.live)}?token=${TOKEN}`, INBOUND_FORM, { 'content-type': 'application/x-www-form-urlencoded' });
		assert.deepEqual([r.status, r.body, r.contentType], [200, '+OK', 'text/plain; charset=utf-8']);
		const [item] = await collector.next('/live', from);
		assert.deepEqual(pick(item), {
			event: 'inbound',
			platform: 'inboundForm',
			from: '+393351234567',
			to: '+393330000000',
			text: 'Ciao à tutti',
			channel: 'SMS',
			receivedAt: '2026-05-14T08:23:01.000Z',
		});
		t.diagnostic(`§14 inbound form → ${JSON.stringify(pick(item))}`);
	});

	test('Qlara calling the registered URL (token in it) starts the workflow', async () => {
		const from = collector.received.length;
		const delivery = await sandbox.notifyWebhook({ ...PAYLOADS['§6.3 Qlara DELIVERY'], messageId: 'via-registered-url', statusCode: 6 });
		assert.deepEqual([delivery.status, delivery.body], [200, '+OK']);
		const [item] = await collector.next('/live', from);
		const { event, platform, messageId, status, delivered, final } = item;
		assert.deepEqual({ event, platform, messageId, status, delivered, final }, {
			event: 'delivery',
			platform: 'qlara',
			messageId: 'via-registered-url',
			status: 'undelivered',
			delivered: false,
			final: true,
		});
	});

	test('an unknown payload comes out as event "unknown" with the body', async (t) => {
		const from = collector.received.length;
		const unknown = { eventType: 'CLICK', messageId: 'm-click', url: 'https://example.com/offer' };
		const r = await post(`${productionUrl(HOOK.live)}?token=${TOKEN}`, unknown);
		assert.deepEqual([r.status, r.body], [200, '+OK']);
		const [item] = await collector.next('/live', from);
		assert.deepEqual(item, { event: 'unknown', platform: 'qlara', eventType: 'CLICK', reason: 'unknown eventType "CLICK"', raw: unknown });
		t.diagnostic(`unknown eventType → ${JSON.stringify(item)}`);
	});

	test('a missing or wrong token gets 401 and starts nothing', async () => {
		const before = await settledLiveRuns();
		const refused = [
			await post(productionUrl(HOOK.live), PAYLOADS['§6.1 wholesale DLR']),
			await post(`${productionUrl(HOOK.live)}?token=wrong-${TOKEN}`, PAYLOADS['§6.1 wholesale DLR']),
			await post(productionUrl(HOOK.live), PAYLOADS['§6.1 wholesale DLR'], { 'content-type': 'application/json', 'x-webhook-token': 'nope' }),
			await post(productionUrl(HOOK.live), INBOUND_FORM, { 'content-type': 'application/x-www-form-urlencoded' }),
		];
		for (const r of refused) assert.deepEqual([r.status, JSON.parse(r.body)], [401, { error: 'Missing or wrong token' }]);
		// The header form works too; its run is the only one that follows.
		const from = collector.received.length;
		const ok = await post(productionUrl(HOOK.live), PAYLOADS['§6.1 wholesale DLR'], { 'content-type': 'application/json', 'x-webhook-token': TOKEN });
		assert.equal(ok.status, 200);
		await collector.next('/live', from);
		assert.equal(await settledLiveRuns(), before + 1);
		assert.equal(collector.received.slice(from).length, 1);
	});

	test('an undecodable body gets 400 and starts nothing', async () => {
		const before = await settledLiveRuns();
		const r = await post(`${productionUrl(HOOK.live)}?token=${TOKEN}`, '{"id":"trunc', { 'content-type': 'text/plain' });
		assert.equal(r.status, 400);
		assert.match(JSON.parse(r.body).error, /not valid JSON/);
		assert.equal(await server.executionCount(WF.live.id), before);
	});

	test('a version 1 workflow with the Secret Token field keeps working', async () => {
		const from = collector.received.length;
		assert.equal((await post(productionUrl(HOOK.legacy), PAYLOADS['§6.1 wholesale DLR'])).status, 401);
		const r = await post(`${productionUrl(HOOK.legacy)}?token=${LEGACY_TOKEN}`, INBOUND_FORM, { 'content-type': 'application/x-www-form-urlencoded' });
		assert.deepEqual([r.status, r.body], [200, '+OK']);
		const [item] = await collector.next('/legacy', from);
		assert.equal(item.event, 'inbound');
	});

	test("the README's recipe acts once per multipart message (Filter on final, then Remove Duplicates)", async (t) => {
		const universal = PAYLOADS['§4.3 SMS Universal callback, part 2 of 3'];
		const reports = [
			{ ...universal, messageId: 'long-1', numPart: 2, totalParts: 3 },
			{ ...universal, messageId: 'long-1', numPart: 1, totalParts: 3 },
			{ ...PAYLOADS['§6.4 partner-gateway payload'], messageId: 'short-1', status: 'SENT' },
			{ ...universal, messageId: 'long-1', numPart: 3, totalParts: 3 },
			{ ...PAYLOADS['§6.4 partner-gateway payload'], messageId: 'short-1', status: 'DELIVERED' },
		];
		const from = collector.received.length;
		for (const report of reports) {
			const r = await post(`${productionUrl(HOOK.once)}?token=${TOKEN}`, report);
			assert.equal(r.status, 200);
			// One report at a time, as they arrive: the next one only after this run is stored.
			await waitUntil('the run to be stored', async () => (await server.executionCount(WF.once.id)) >= reports.indexOf(report) + 1);
		}
		const passed = collector.received.slice(from).filter((r) => r.path === '/once').map((r) => `${r.json.messageId} part ${r.json.part ?? '-'} ${r.json.status}`);
		assert.deepEqual(passed, ['long-1 part 2 delivered', 'short-1 part - delivered']);
		t.diagnostic(`5 reports in → ${JSON.stringify(passed)}`);
	});

	test('listening for a test event with Replace Existing Webhook on leaves the production registration untouched', async () => {
		const registered = sandbox.webhook;
		sandbox.requests.length = 0;
		const r = await server.listenForTestEvent(WF.live.id, TRIGGER_NAME);
		assert.notEqual(r.status, 200);
		assert.match(r.json.message, /points to this workflow's production URL/);
		assert.match(r.json.description, /leaves it alone/);
		assert.doesNotMatch(JSON.stringify(r.json), new RegExp(TOKEN));
		// checkExists, create and n8n's clean-up delete only read.
		assert.deepEqual(webhookCalls(), ['GET 200', 'GET 200', 'GET 200']);
		await server.stopListening(WF.live.id);
		assert.deepEqual(sandbox.webhook, registered);
		// Production still receives Qlara's events.
		const from = collector.received.length;
		assert.equal((await sandbox.notifyWebhook(PAYLOADS['§6.3 Qlara READ'])).status, 200);
		await collector.next('/live', from);
	});

	test('the credential Test button checks the token without any request', async () => {
		const weak = await server.testCredential({ ...cred.hook, data: { token: 'short' } });
		assert.deepEqual(weak, { status: 'Error', message: 'The token has 5 characters. Use at least 16 random letters and digits, so that nobody can guess it.' });
		const good = await server.testCredential(cred.hook);
		assert.equal(good.status, 'OK');
	});

	test('a mistyped Inbound Time Zone fails publishing, naming the field', async (t) => {
		const r = await server.activateWorkflow(WF.badZone.id);
		// n8n 2.41 publishes through an outbox: the activation (and its error) follows the answer.
		const report = r.status === 200 ? await waitUntil('the activation error', async () => {
			const status = await server.request('GET', `/rest/workflows/${WF.badZone.id}/publication-status`);
			return /Inbound Time Zone/.test(status.text) ? status.text : undefined;
		}) : r.text;
		assert.match(report, /Inbound Time Zone \\"Europe\/Rom\\" is not a time zone/);
		t.diagnostic(`publishing with Inbound Time Zone "Europe/Rom" → ${report.slice(0, 400)}`);
		assert.equal((await post(productionUrl(HOOK.badZone), INBOUND_FORM, { 'content-type': 'application/x-www-form-urlencoded' })).status, 404);
	});

	test('unpublishing removes the registration; then test listening registers the test URL and removes it after the event', async () => {
		sandbox.requests.length = 0;
		assert.equal((await server.deactivateWorkflow(WF.live.id)).status, 200);
		await waitUntil('the webhook to be removed', () => sandbox.webhook === undefined);
		assert.deepEqual(webhookCalls(), ['GET 200', 'DELETE 204']);

		const r = await server.listenForTestEvent(WF.live.id, TRIGGER_NAME);
		assert.equal(r.status, 200, r.text.slice(0, 500));
		assert.equal(r.json.data.waitingForWebhook, true);
		assert.equal(sandbox.webhook.callbackUrl, `${testUrl(HOOK.live)}?token=${TOKEN}`);
		const from = collector.received.length;
		const delivery = await sandbox.notifyWebhook(PAYLOADS['§4.3 SMS Universal callback, part 2 of 3']);
		assert.deepEqual([delivery.status, delivery.body], [200, '+OK']);
		const [item] = await collector.next('/live', from);
		assert.equal(item.platform, 'universal');
		// One test event ends the test: n8n removes the test webhook, and the node its Qlara registration.
		await waitUntil('the test registration to be removed', () => sandbox.webhook === undefined);
	});
});

function pick(item) {
	const keys = ['event', 'platform', 'messageId', 'customerMessageId', 'destination', 'from', 'to', 'text', 'channel', 'status', 'delivered', 'final', 'part', 'parts', 'price', 'receivedAt', 'eventType'];
	return Object.fromEntries(keys.filter((k) => item[k] !== undefined && item[k] !== null).map((k) => [k, item[k]]));
}

describe('the webhook token never shows, even when Qlara echoes the callback URL', () => {
	before(() => {
		sandbox.configure({ webhookHttpsOnly: true, webhookEchoesUrl: true });
	});
	after(() => {
		sandbox.configure({ webhookHttpsOnly: false, webhookEchoesUrl: false });
	});

	test('listening for a test event and publishing both fail; the error, the log and the executions have no token', async (t) => {
		sandbox.requests.length = 0;
		const listened = await server.listenForTestEvent(WF.echo.id, TRIGGER_NAME);
		assert.notEqual(listened.status, 200);
		// The sandbox did receive the token, and echoed it: what n8n shows has it masked.
		const writes = sandbox.requestsTo(WEBHOOK_PATH).filter((r) => r.method !== 'GET');
		assert.ok(writes.length >= 1 && writes.every((r) => r.status === 400 && r.body.callbackUrl === `${testUrl(HOOK.echo)}?token=${TOKEN}`));
		assert.match(listened.json.message, /must be an https:\/\/ URL, got '.*\?token=\*\*\*'/);
		t.diagnostic(`test listening → ${listened.text.slice(0, 400)}`);

		const published = await server.activateWorkflow(WF.echo.id);
		const report = published.status === 200 ? await waitUntil('the activation error', async () => {
			const status = await server.request('GET', `/rest/workflows/${WF.echo.id}/publication-status`);
			return /https:\/\/ URL/.test(status.text) ? status.text : undefined;
		}) : published.text;
		// n8n 2.x publishes in the background and keeps the node's whole message; 1.x answers the activation itself with
		// the error's description only (the advice), so there the provider's text, URL and all, is not shown at all.
		if (N8N_VERSION.startsWith('1.')) assert.match(report, /"code":400.*Check the fields named in the provider message/);
		else assert.match(report, /token=\*\*\*/);
		t.diagnostic(`publishing → ${report.slice(0, 400)}`);

		const filter = encodeURIComponent(JSON.stringify({ workflowId: WF.echo.id }));
		const executions = await server.request('GET', `/rest/executions?filter=${filter}`);
		for (const [where, text] of [['test listening', listened.text], ['publication status', report], ['executions', executions.text], ["n8n log", server.log]]) {
			assert.ok(!text.includes(TOKEN), `the webhook token appears in the ${where}`);
			assert.ok(!text.includes(encodeURIComponent(TOKEN)), `the URL-encoded webhook token appears in the ${where}`);
		}
	});
});
