// End-to-end: the packed package inside a REAL n8n (scripts/n8n), against the project's sandbox.
// Run with `npm run test:e2e` (builds, installs the runtime once — ≈3 GB, minutes the first time — then
// `node --test test/e2e/`). Not part of `npm test`/jest: jest only collects *.test.ts.
//
// Environment: N8N_VERSION=1.123.81 runs it against that n8n (default 2.41.1, scripts/n8n/paths.mjs);
// E2E_TGZ=<path> tests that tarball instead of packing the repo's dist/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { bindToDemoCredential, DEMO_CREDENTIAL_ID, demoCredential, loadExamples } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { N8N_VERSION } from '../../scripts/n8n/paths.mjs';
import { createInstance, freePort, nodeOutput, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

// The node's own texts (compiled by `npm run build`, which test:e2e runs first): what a user sees must be exactly these.
const require = createRequire(import.meta.url);
const { STATUS_TEXTS } = require('../../dist/nodes/AgileTelecom/transport/errors.js');
const { AgileTelecomApi } = require('../../dist/credentials/AgileTelecomApi.credentials.js');

const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * What the Test button says for a status: the credential's `responseCode` rule (credentials/AgileTelecomApi.credentials.ts
 * testMessage). n8n 1.x never applies those rules: its errors drop their `cause` (a class field of
 * ExecutionBaseError in n8n-workflow 1.120 overwrites the one `Error` sets), so the tester cannot read the status
 * and shows the error's own canned text instead. The verdict is the same; only the wording differs.
 */
const N8N_1_TEXTS = { 401: 'Authorization failed - please check your credentials', 403: 'Forbidden - perhaps check your credentials?' };
const testMessage = (status) =>
	N8N_VERSION.startsWith('1.') ? N8N_1_TEXTS[status] : `${STATUS_TEXTS[status].what} (HTTP ${status}). ${STATUS_TEXTS[status].todo}`;
/** The credential's rule for a JSend error code inside a 200 (n8n applies it; the text comes from the node). */
const jsendRuleMessage = (code) =>
	new AgileTelecomApi().test.rules.find((r) => r.type === 'responseSuccessBody' && r.properties.key === 'code' && r.properties.value === code)
		.properties.message;
const API_KEY = 'test-api-key';
const BASIC = { username: 'test-user', password: 'test-pass' };
const WRONG_KEY = 'wrong-e2e-key-7f3a9c';

let sandbox;
let n8n;
const cred = {};

function workflow(id, name, node) {
	const trigger = { id: `${id}-t`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const nodes = [trigger, ...[node].flat().map((n, i) => ({ typeVersion: 1, position: [220 * (i + 1), 0], id: `${id}-${i}`, ...n }))];
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

function agileNode(name, credential, parameters) {
	return { name, type: NODE_TYPE, parameters, credentials: { agileTelecomApi: { id: credential.id, name: credential.name } } };
}

/** Requests the sandbox received while `fn` ran (faults, deliveries and counters start from zero). */
async function capture(fn, faults = []) {
	sandbox.reset();
	sandbox.injectFaults(faults);
	const result = await fn();
	return { result, requests: [...sandbox.requests] };
}

/** An example workflow bound to the demo credential, with a 16-character id and optional edits of its nodes. */
function example(file, id, edit = {}) {
	const found = loadExamples([file]);
	assert.equal(found.length, 1, `examples/${file} not found`);
	const wf = bindToDemoCredential(found[0].workflow, id);
	return { ...wf, id, nodes: wf.nodes.map((n) => (edit[n.name] ? { ...n, parameters: edit[n.name](n.parameters) } : n)) };
}

const ROWS = Array.from({ length: 25 }, (_, i) => ({
	phone: `+3933512${String(34000 + i).padStart(5, '0')}`,
	name: `Person ${i + 1}`,
	orderId: `e2e-order-${i + 1}`,
}));
const PER_REQUEST = 10;

const WF = {};

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	const tgz = process.env.E2E_TGZ ?? (await packPackage({ build: false }));
	n8n = await createInstance({ packageTgz: tgz });
	// The wholesale path layout (`/services/…`) unless a test says otherwise.
	cred.apiKey = { ...demoCredential(sandbox.url, { customApiFormat: 'agile' }), id: 'e2eApiKeyCred001', name: 'e2e api key' };
	cred.basic = {
		...demoCredential(sandbox.url, { authType: 'basicAuth', apiKey: '', customApiFormat: 'agile', ...BASIC }),
		id: 'e2eBasicCred0001',
		name: 'e2e basic',
	};
	cred.wrong = { ...demoCredential(sandbox.url, { apiKey: WRONG_KEY, customApiFormat: 'agile' }), id: 'e2eWrongCred0001', name: 'e2e wrong key' };
	// Send (Qlara) and Get Status need a Qlara account: the sandbox stands in for one with API Format Qlara.
	cred.qlara = { ...demoCredential(sandbox.url, { customApiFormat: 'qlara' }), id: 'e2eQlaraCred0001', name: 'e2e qlara' };
	// A port nothing listens on: the connection is refused before anything is sent.
	cred.refused = {
		...demoCredential(`http://127.0.0.1:${await freePort()}`, { customApiFormat: 'agile' }),
		id: 'e2eRefusedCred01',
		name: 'e2e refused',
	};
	cred.demo = demoCredential(sandbox.url);
	await n8n.importCredentials([cred.apiKey, cred.basic, cred.wrong, cred.qlara, cred.refused, cred.demo]);

	WF.credit = workflow('e2eCreditWf00001', 'credit', agileNode('Credit', cred.apiKey, { resource: 'account', operation: 'getCredit' }));
	const batch = {
		resource: 'sms',
		operation: 'sendBatch',
		destinations: '+393351234567, +393409876543',
		sender: 'InfoSMS',
		body: 'e2e batch',
		messageOptions: { ids: 'e2e-1, e2e-2' },
	};
	WF.batch = workflow('e2eBatchWf000001', 'batch (basic auth)', agileNode('Batch', cred.basic, batch));
	WF.track = workflow('e2eTrackWf000001', 'send + status', [
		agileNode('Send', cred.qlara, { resource: 'sms', operation: 'send', destination: '+393351234567', sender: 'InfoSMS', body: 'e2e single' }),
		agileNode('Status', cred.qlara, { resource: 'message', operation: 'getStatus', messageIds: '={{ $json.messageId }}', channel: 'SMS' }),
	]);
	WF.refused = workflow(
		'e2eRefusedWf0001',
		'batch send to a closed port',
		agileNode('Batch', cred.refused, { ...batch, retry: { maxRetries: 1, initialDelay: 10 } }),
	);
	WF.statusNotQlara = workflow(
		'e2eNotQlaraWf001',
		'get status with a wholesale-format credential',
		agileNode('Status', cred.apiKey, { resource: 'message', operation: 'getStatus', messageIds: 'order-1', channel: 'SMS' }),
	);
	WF.wrong = workflow('e2eWrongWf000001', 'wrong key', agileNode('Credit', cred.wrong, { resource: 'account', operation: 'getCredit' }));
	// examples/batch-from-rows.json as shipped, with 25 rows and 10 messages per request.
	WF.rows = example('batch-from-rows.json', 'e2eRowsWf0000001', {
		Rows: (p) => ({ ...p, jsonOutput: JSON.stringify({ rows: ROWS }) }),
		'Send SMS batch': (p) => ({ ...p, batching: { messagesPerRequest: PER_REQUEST } }),
	});
	WF.otp = example('otp-qlara.json', 'e2eOtpWf00000001');
	WF.qlara = workflow(
		'e2eQlaraWf000001',
		'qlara single send',
		agileNode('Send', cred.qlara, { resource: 'sms', operation: 'send', destination: '+393351234567', sender: 'InfoSMS', body: 'e2e retry' }),
	);
	WF.httpRequest = workflow('e2eHttpReqWf0001', 'HTTP Request node with the Agile Telecom credential', {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			url: `${sandbox.url}/services/sms/credit`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'agileTelecomApi',
			options: {},
		},
		credentials: { agileTelecomApi: { id: cred.basic.id, name: cred.basic.name } },
	});
	WF.examples = loadExamples().map((e, i) => ({ file: e.file, wf: bindToDemoCredential(e.workflow, `e2eExample${String(i).padStart(6, '0')}`) }));
	await n8n.importWorkflows([
		WF.credit,
		WF.batch,
		WF.track,
		WF.statusNotQlara,
		WF.refused,
		WF.wrong,
		WF.rows,
		WF.otp,
		WF.qlara,
		WF.httpRequest,
		...WF.examples.map((e) => e.wf),
	]);
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

describe('n8n execute (CLI, --rawOutput)', () => {
	test('getCredit with an API key: one GET, X-Api-Key only, credit in the output', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.credit.id));
		assert.equal(r.exitCode, 0, `signal ${r.signal}: ${r.stderr.slice(-2000)}`);
		assert.ok(r.ok, JSON.stringify(r.error));
		assert.deepEqual(
			requests.map((q) => [q.method, q.path]),
			[['GET', '/services/sms/credit']],
		);
		assert.equal(requests[0].headers['x-api-key'], API_KEY);
		assert.equal(requests[0].headers.authorization, undefined);
		const out = nodeOutput(r.run, 'Credit');
		assert.equal(out.length, 1);
		assert.equal(typeof out[0].credit, 'number');
	});

	test('sendBatch with Basic auth: one POST of messages[], Authorization only, accepted', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.batch.id));
		assert.ok(r.ok, JSON.stringify(r.error));
		assert.equal(requests.length, 1);
		const [q] = requests;
		assert.equal(q.method, 'POST');
		assert.equal(q.path, '/services/sms/send');
		assert.equal(q.headers.authorization, `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`);
		assert.equal(q.headers['x-api-key'], undefined);
		assert.deepEqual(q.body.messages[0].destinations, ['+393351234567', '+393409876543']);
		assert.deepEqual(q.body.messages[0].ids, ['e2e-1', 'e2e-2']);
		const out = nodeOutput(r.run, 'Batch');
		assert.equal(out[0].accepted, true);
	});

	test('Qlara send then getStatus of the returned messageId', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.track.id));
		assert.ok(r.ok, JSON.stringify(r.error));
		const sent = nodeOutput(r.run, 'Send')[0];
		assert.equal(requests[0].method, 'POST');
		assert.equal(requests[0].path, '/api/message-server/sms/send');
		assert.equal(requests[0].body.messageId, sent.messageId);
		assert.equal(requests[1].method, 'GET');
		assert.equal(requests[1].path, `/api/partner-gateway/v1/messages/status/${sent.messageId}`);
		const status = nodeOutput(r.run, 'Status')[0];
		assert.equal(status.statuses[0].messageId, sent.messageId);
	});

	test('a rejected key fails the run with exit 1 and never prints the key', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.wrong.id));
		assert.equal(r.exitCode, 1);
		assert.ok(r.error, 'the run JSON carries the error');
		// The sandbox answers a legacy JSend code too, which the node appends after the status text.
		assert.ok(r.error.message.startsWith(`${STATUS_TEXTS[401].what} (HTTP 401)`), r.error.message);
		assert.equal(r.error.description, STATUS_TEXTS[401].todo);
		assert.ok(requests.length >= 1 && requests.every((q) => q.headers['x-api-key'] === WRONG_KEY));
		const printed = r.stdout + r.stderr;
		assert.ok(!printed.includes(WRONG_KEY), 'the API key appears in n8n output');
		assert.ok(!printed.includes(API_KEY), 'another API key appears in n8n output');
	});

	test('batch-from-rows example: 25 rows, 10 per request → 3 requests with the rows, 25 output items', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.rows.id));
		assert.ok(r.ok, JSON.stringify(r.error));
		// The demo credential is a Qlara-format custom URL: Qlara's messages[] path.
		assert.ok(requests.every((q) => q.method === 'POST' && q.path === '/api/services/sms/send'));
		assert.equal(requests.length, Math.ceil(ROWS.length / PER_REQUEST));
		// Requests may arrive in any order (concurrency 2): put them back in row order by their first id.
		const bodies = requests.map((q) => q.body).sort((a, b) => ROWS.findIndex((x) => x.orderId === a.messages[0].ids[0]) - ROWS.findIndex((x) => x.orderId === b.messages[0].ids[0]));
		const expected = ROWS.map((row) => ({
			destinations: [row.phone],
			ids: [row.orderId],
			sender: 'InfoSMS',
			body: `Hi ${row.name}, your order ${row.orderId} has shipped.`,
		}));
		for (let k = 0; k < bodies.length; k++) {
			assert.deepEqual(Object.keys(bodies[k]).sort(), ['globalId', 'messages']);
			assert.equal(typeof bodies[k].globalId, 'string');
			assert.deepEqual(bodies[k].messages, expected.slice(k * PER_REQUEST, (k + 1) * PER_REQUEST));
		}
		assert.equal(new Set(bodies.map((b) => b.globalId)).size, bodies.length, 'one globalId per request');
		const out = nodeOutput(r.run, 'Send SMS batch');
		assert.equal(out.length, ROWS.length);
		out.forEach((item, i) => {
			assert.equal(item.accepted, true);
			assert.deepEqual(item.results.map((x) => [x.destination, x.id, x.accepted]), [[ROWS[i].phone, ROWS[i].orderId, true]]);
		});
		assert.deepEqual(sandbox.duplicates(), []);
		assert.equal(sandbox.stats.acceptedMessages, ROWS.length);
	});

	test('otp-qlara example: the Qlara body has the generated code and a generated messageId, which is output', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.otp.id));
		assert.ok(r.ok, JSON.stringify(r.error));
		const { code, phone } = nodeOutput(r.run, 'Generate code')[0];
		assert.match(code, /^\d{6}$/);
		const sent = nodeOutput(r.run, 'Send OTP');
		assert.equal(sent.length, 1);
		assert.match(sent[0].messageId, UUID);
		assert.deepEqual(
			requests.map((q) => [q.method, q.path]),
			[
				['POST', '/api/message-server/sms/send'],
				['GET', `/api/partner-gateway/v1/messages/status/${sent[0].messageId}`],
			],
		);
		assert.deepEqual(requests[0].body, {
			destination: phone,
			sender: 'InfoSMS',
			body: `Your verification code is ${code}. It expires in 10 minutes.`,
			messageId: sent[0].messageId,
		});
		assert.equal(requests[0].headers['x-api-key'], API_KEY);
		assert.equal(nodeOutput(r.run, 'Get delivery status')[0].statuses[0].messageId, sent[0].messageId);
	});

	test('Get Status with a non-Qlara credential fails before any request, saying what to change', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.statusNotQlara.id));
		assert.equal(r.exitCode, 1);
		assert.deepEqual(requests, []);
		assert.equal(
			r.error.message,
			'Get Status needs a Qlara account, but the Agile Telecom API credential is set to Custom URL with API Format "Agile Telecom REST"',
		);
		assert.match(r.error.description, /set Platform to Qlara/);
	});

	test('a refused connection is known as such: retried once, then reported as never opened, nothing sent', async () => {
		const r = await n8n.execute(WF.refused.id);
		assert.equal(r.exitCode, 1);
		assert.match(r.error.message, /^Could not reach Agile Telecom \(ECONNREFUSED\)\. Gave up after 2 attempts; the last wait was /);
		assert.match(r.error.description, /^The connection was never opened, so nothing was sent\./);
	});

	test('403 fails the run with the IP whitelist message', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.credit.id), [{ path: '/services/sms/credit', status: 403, body: { message: 'Forbidden' } }]);
		assert.equal(r.exitCode, 1);
		assert.equal(requests.length, 1);
		assert.equal(r.error.message, `${STATUS_TEXTS[403].what} (HTTP 403): Forbidden`);
		assert.equal(r.error.description, STATUS_TEXTS[403].todo);
		assert.match(r.error.description, /IP address .* whitelist/);
	});

	test('Qlara send: 429 then success finishes once, same messageId, no duplicate', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.qlara.id), [
			{ method: 'POST', path: '/api/message-server/sms/send', status: 429, headers: { 'Retry-After': '1' }, body: { message: 'Too many requests', retryAfter: 1 } },
		]);
		assert.ok(r.ok, JSON.stringify(r.error));
		assert.deepEqual(requests.map((q) => q.status), [429, 200]);
		assert.equal(requests[0].body.messageId, requests[1].body.messageId);
		assert.equal(nodeOutput(r.run, 'Send')[0].messageId, requests[1].body.messageId);
		assert.deepEqual(sandbox.duplicates(), []);
		assert.equal(sandbox.countDeliveries().get(requests[1].body.messageId), 1);
	});

	test('batch send: 429 then success finishes once, same body, no duplicate', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.batch.id), [
			{ method: 'POST', path: '/services/sms/send', status: 429, headers: { 'Retry-After': '1' } },
		]);
		assert.ok(r.ok, JSON.stringify(r.error));
		assert.deepEqual(requests.map((q) => q.status), [429, 200]);
		assert.deepEqual(requests[1].body, requests[0].body);
		assert.deepEqual(sandbox.duplicates(), []);
		assert.deepEqual([...sandbox.countDeliveries()].sort(), [['e2e-1', 1], ['e2e-2', 1]]);
		assert.equal(nodeOutput(r.run, 'Batch')[0].accepted, true);
	});

	test("n8n's HTTP Request node with the Agile Telecom credential (Basic) authenticates its request", async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.httpRequest.id));
		assert.ok(r.ok, JSON.stringify(r.error));
		assert.deepEqual(
			requests.map((q) => [q.method, q.path, q.status, q.auth, q.headers.authorization]),
			[['GET', '/services/sms/credit', 200, 'basic', `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`]],
		);
		assert.equal(typeof nodeOutput(r.run, 'HTTP Request')[0].credit, 'number');
	});

	test('every examples/*.json runs successfully', async (t) => {
		for (const { file, wf } of WF.examples) {
			await t.test(file, async () => {
				assert.ok(wf.nodes.some((n) => n.credentials?.agileTelecomApi?.id === DEMO_CREDENTIAL_ID));
				const r = await n8n.execute(wf.id);
				assert.ok(r.ok, `${file}: ${JSON.stringify(r.error)}`);
			});
		}
	});
});

describe('n8n start (REST API)', () => {
	let server;
	before(async () => {
		server = await n8n.start();
		await server.setupOwner();
	});
	after(async () => {
		await server?.stop();
	});

	test(`the server is n8n ${N8N_VERSION}, the version asked for`, async () => {
		const settings = await server.request('GET', '/rest/settings');
		assert.equal(settings.status, 200);
		assert.equal((settings.json.data ?? settings.json).versionCli, N8N_VERSION);
	});

	test('the package loads under its real name (nodes and credential type)', async () => {
		const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
		const nodes = await server.request('GET', '/types/nodes.json');
		assert.equal(nodes.status, 200);
		const names = new Set(nodes.json.map((n) => n.name));
		for (const file of pkg.n8n.nodes) {
			const className = file.split('/').pop().replace('.node.js', '');
			const nodeName = className[0].toLowerCase() + className.slice(1);
			assert.ok(names.has(`${pkg.name}.${nodeName}`), `${pkg.name}.${nodeName} not registered`);
		}
		assert.ok(!names.has('CUSTOM.agileTelecom'));
		const creds = await server.request('GET', '/types/credentials.json');
		assert.ok(creds.json.some((c) => c.name === 'agileTelecomApi'));
	});

	test('credential test: API key OK, Basic OK, wrong key refused with the 401 message', async () => {
		const ok = await capture(() => server.testCredential(cred.apiKey));
		assert.equal(ok.result.status, 'OK', ok.result.message);
		assert.deepEqual(
			ok.requests.map((q) => [q.method, q.path, q.headers['x-api-key'], q.headers.authorization]),
			[['GET', '/services/sms/credit', API_KEY, undefined]],
		);

		const basic = await capture(() => server.testCredential(cred.basic));
		assert.equal(basic.result.status, 'OK', basic.result.message);
		assert.ok(basic.requests.every((q) => q.headers.authorization?.startsWith('Basic ') && q.headers['x-api-key'] === undefined));

		const wrong = await capture(() => server.testCredential(cred.wrong));
		assert.deepEqual(wrong.result, { status: 'Error', message: testMessage(401) });
		assert.ok(wrong.requests.length >= 1 && wrong.requests.every((q) => q.headers['x-api-key'] === WRONG_KEY && q.status === 401));
	});

	test('credential test: a JSend error inside a 200 is refused with the message of its code', async () => {
		for (const [code, text] of [
			[1, 'Wrong credentials'],
			[100, 'Source IP is not allowed'],
		]) {
			const jsend = { status: 'error', message: text, code };
			const refused = await capture(() => server.testCredential(cred.apiKey), [{ path: '/services/sms/credit', status: 200, body: jsend }]);
			assert.deepEqual(refused.result, { status: 'Error', message: jsendRuleMessage(code) }, `code ${code}`);
			assert.deepEqual(
				refused.requests.map((q) => [q.method, q.path, q.status]),
				[['GET', '/services/sms/credit', 200]],
			);
		}
		assert.ok(jsendRuleMessage(1).startsWith(`${STATUS_TEXTS[401].what} (HTTP 200), error code 1`), jsendRuleMessage(1));
	});

	test('credential test: a wrong Basic password is refused with the 401 message, a 403 with the IP message', async () => {
		// n8n only tests credentials the user can access: the stored one, with the password as typed in the dialog.
		const wrongBasic = { ...cred.basic, data: { ...cred.basic.data, password: 'wrong-e2e-pass' } };
		const basic = await capture(() => server.testCredential(wrongBasic));
		assert.deepEqual(basic.result, { status: 'Error', message: testMessage(401) });
		assert.ok(basic.requests.length >= 1 && basic.requests.every((q) => q.auth === 'basic' && q.status === 401));

		for (const c of [cred.apiKey, cred.basic]) {
			const forbidden = await capture(() => server.testCredential(c), [{ path: '/services/sms/credit', status: 403, times: 5 }]);
			assert.deepEqual(forbidden.result, { status: 'Error', message: testMessage(403) }, c.name);
			assert.ok(forbidden.requests.length >= 1 && forbidden.requests.every((q) => q.status === 403));
		}
	});
});
