// End-to-end: the packed package inside a REAL n8n 2.41.1 (scripts/n8n), against the project's sandbox.
// Run with `npm run test:e2e` (builds, installs the runtime once — ≈3 GB, minutes the first time — then
// `node --test test/e2e/`). Not part of `npm test`/jest: jest only collects *.test.ts.
//
// Environment: E2E_TGZ=<path> tests that tarball instead of packing the repo's dist/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { bindToDemoCredential, DEMO_CREDENTIAL_ID, demoCredential, loadExamples } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { createInstance, nodeOutput, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';
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

/** Requests the sandbox received while `fn` ran. */
async function capture(fn) {
	const start = sandbox.requests.length;
	const result = await fn();
	return { result, requests: sandbox.requests.slice(start) };
}

const WF = {};

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	const tgz = process.env.E2E_TGZ ?? (await packPackage({ build: false }));
	n8n = await createInstance({ packageTgz: tgz });
	cred.apiKey = { ...demoCredential(sandbox.url), id: 'e2eApiKeyCred001', name: 'e2e api key' };
	cred.basic = {
		...demoCredential(sandbox.url, { authType: 'basicAuth', apiKey: '', ...BASIC }),
		id: 'e2eBasicCred0001',
		name: 'e2e basic',
	};
	cred.wrong = { ...demoCredential(sandbox.url, { apiKey: WRONG_KEY }), id: 'e2eWrongCred0001', name: 'e2e wrong key' };
	cred.demo = demoCredential(sandbox.url);
	await n8n.importCredentials([cred.apiKey, cred.basic, cred.wrong, cred.demo]);

	WF.credit = workflow('e2eCreditWf00001', 'credit', agileNode('Credit', cred.apiKey, { resource: 'account', operation: 'getCredit' }));
	WF.batch = workflow(
		'e2eBatchWf000001',
		'batch (basic auth)',
		agileNode('Batch', cred.basic, {
			resource: 'sms',
			operation: 'sendBatch',
			destinations: '+393351234567, +393409876543',
			sender: 'InfoSMS',
			body: 'e2e batch',
			messageOptions: { ids: 'e2e-1, e2e-2' },
		}),
	);
	WF.track = workflow('e2eTrackWf000001', 'send + status', [
		agileNode('Send', cred.apiKey, { resource: 'sms', operation: 'send', destination: '+393351234567', sender: 'InfoSMS', body: 'e2e single' }),
		agileNode('Status', cred.apiKey, { resource: 'message', operation: 'getStatus', messageIds: '={{ $json.messageId }}', channel: 'SMS' }),
	]);
	WF.wrong = workflow('e2eWrongWf000001', 'wrong key', agileNode('Credit', cred.wrong, { resource: 'account', operation: 'getCredit' }));
	WF.examples = loadExamples().map((e, i) => ({ file: e.file, wf: bindToDemoCredential(e.workflow, `e2eExample${String(i).padStart(6, '0')}`) }));
	await n8n.importWorkflows([WF.credit, WF.batch, WF.track, WF.wrong, ...WF.examples.map((e) => e.wf)]);
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

describe('n8n execute (CLI, --rawOutput)', () => {
	test('getCredit with an API key: one GET, X-Api-Key only, credit in the output', async () => {
		const { result: r, requests } = await capture(() => n8n.execute(WF.credit.id));
		assert.equal(r.exitCode, 0, r.stdout.slice(-2000));
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
		assert.match(`${r.error.message} ${r.error.description ?? ''}`, /401/);
		assert.ok(requests.length >= 1 && requests.every((q) => q.headers['x-api-key'] === WRONG_KEY));
		const printed = r.stdout + r.stderr;
		assert.ok(!printed.includes(WRONG_KEY), 'the API key appears in n8n output');
		assert.ok(!printed.includes(API_KEY), 'another API key appears in n8n output');
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
		assert.equal(wrong.result.status, 'Error');
		assert.match(wrong.result.message, /401/);
		assert.ok(!wrong.result.message.includes(WRONG_KEY));
	});
});
