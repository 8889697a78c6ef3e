// End-to-end: the human-review tool n8n 2.41 generates from Send and Wait for Response (n8n's hitl-tools.js makes
// `n8n-nodes-agiletelecom.agileTelecomHitlTool` from any node with a `sendAndWait` operation and waiting webhooks),
// used by a real AI Agent in a real n8n. Webhook → AI Agent ← Chat Model (the scripted OpenAI-compatible server of
// scripts/n8n/fake-openai.mjs on 127.0.0.1) ← "SMS review" (our HITL tool) ← "Send SMS" (our Send (Qlara) as a tool).
// The model calls Send SMS; n8n runs the review first: one SMS with the link, and the execution waits. The test
// answers the link as a phone would; only on Approve does the gated Send SMS go out.
// n8n 1.x has no human-review tools: the file skips there, and wherever fake-openai.mjs is missing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { N8N_VERSION, REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { createInstance, packPackage, startServer } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const FAKE_OPENAI = path.join(REPO_ROOT, 'scripts', 'n8n', 'fake-openai.mjs');
const SKIP = N8N_VERSION.startsWith('1.')
	? 'n8n 1.x generates no human-review tools'
	: existsSync(FAKE_OPENAI)
		? false
		: 'scripts/n8n/fake-openai.mjs (the scripted chat model) is not in this tree';
const HITL_TYPE = 'n8n-nodes-agiletelecom.agileTelecomHitlTool';
const TOOL_TYPE = 'n8n-nodes-agiletelecom.agileTelecomTool';
const REVIEWER = '+393351234500';
const CUSTOMER = '+393351234599';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let sandbox;
let n8n;
let server;
let model;
let fake;
let flatted;
const cred = {};

function agentWorkflow(key) {
	const id = `e2eSWagent${key}`.padEnd(16, '0');
	const agile = { agileTelecomApi: { id: cred.qlara.id, name: cred.qlara.name } };
	return {
		id,
		name: `send and wait agent ${key}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${key}-w`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `sw-agent-${key}`, parameters: { httpMethod: 'POST', path: `sw-agent-${key}`, responseMode: 'onReceived', options: {} } },
			{ id: `${key}-g`, name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, position: [220, 0], parameters: { promptType: 'define', text: 'Tell the customer the order has shipped.', options: {} } },
			{ id: `${key}-m`, name: 'Chat Model', type: '@n8n/n8n-nodes-langchain.lmChatOpenAi', typeVersion: 1.2, position: [120, 200], parameters: { model: { __rl: true, mode: 'id', value: 'gpt-fake' }, options: {} }, credentials: { openAiApi: { id: cred.openAi.id, name: cred.openAi.name } } },
			{
				id: `hitl-${key}`,
				name: 'SMS review',
				type: HITL_TYPE,
				typeVersion: 1.1,
				position: [320, 200],
				parameters: { resource: 'sms', operation: 'sendAndWait', destination: REVIEWER, sender: 'Ops', message: '=The agent wants to run {{ $tool.name }}. Allow?', responseType: 'approval', approvalOptions: { values: { approvalType: 'double' } }, options: {} },
				credentials: agile,
			},
			{ id: `${key}-t`, name: 'Send SMS', type: TOOL_TYPE, typeVersion: 1.1, position: [420, 400], parameters: { resource: 'sms', operation: 'send', destination: CUSTOMER, sender: 'MyShop', body: 'Your order 42 has shipped' }, credentials: agile },
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'SMS review': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			'Send SMS': { ai_tool: [[{ node: 'SMS review', type: 'ai_tool', index: 0 }]] },
		},
	};
}

const WF = {};

async function waitUntil(what, probe, timeoutMs = 30_000) {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

async function execution(id) {
	const r = await server.request('GET', `/rest/executions/${id}`);
	assert.equal(r.status, 200, r.text.slice(0, 300));
	return { ...r.json.data, data: flatted.parse(r.json.data.data) };
}

const smsTo = (number) => sandbox.requests.filter((q) => q.path.endsWith('/sms/send') && q.body?.destination === number);

/** The model calls the one tool it is offered, then answers with the tool's result. */
function script({ tools, toolResults }) {
	if (toolResults.length === 0) return fake.toolCalls([tools[0], { toolParameters: {}, hitlParameters: {} }]);
	return fake.text(`Tool said: ${toolResults.at(-1).content}`);
}

/** Starts the agent workflow and waits for the review SMS and the waiting execution. */
async function startAgent(wf) {
	sandbox.reset();
	model.reset();
	const r = await fetch(`${server.baseUrl}/webhook/${wf.nodes[0].parameters.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	assert.equal(r.status, 200, await r.text());
	const [review] = await waitUntil('the review SMS', () => (smsTo(REVIEWER).length ? smsTo(REVIEWER) : undefined));
	const link = review.body.body.split('\n').at(-1);
	const executionId = new URL(link).pathname.split('/')[2];
	await waitUntil('the execution to wait', async () => (await execution(executionId)).status === 'waiting');
	return { review, link, executionId };
}

describe(`the human-review tool of Send and Wait for Response, n8n ${N8N_VERSION}`, { skip: SKIP }, () => {
	before(async () => {
		const runtime = await ensureRuntime({ quiet: true });
		flatted = createRequire(runtime.n8nBin)('flatted');
		fake = await import(FAKE_OPENAI);
		model = await fake.startFakeOpenAi({ script });
		sandbox = await startSandbox({});
		n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
		cred.qlara = { ...demoCredential(sandbox.url), id: 'e2eSWagentQlara1', name: 'e2e qlara' };
		cred.openAi = model.credential({ id: 'e2eSWagentOpenAi', name: 'e2e fake OpenAI' });
		await n8n.importCredentials([cred.qlara, cred.openAi]);
		WF.approve = agentWorkflow('approve');
		WF.decline = agentWorkflow('decline');
		await n8n.importWorkflows(Object.values(WF));
		server = await startServer(n8n);
		await server.setupOwner();
		for (const wf of Object.values(WF)) {
			const r = await server.activateWorkflow(wf.id);
			assert.equal(r.status, 200, r.text.slice(0, 500));
			await waitUntil(`${wf.name} to be live`, async () => {
				const probe = await fetch(`${server.baseUrl}/webhook/${wf.nodes[0].parameters.path}`);
				return probe.status === 404 && (await probe.text()).includes('not registered for GET');
			}, 60_000);
		}
	});

	after(async () => {
		await server?.stop();
		await n8n?.dispose();
		await sandbox?.close();
		await model?.close();
	});

	test('n8n offers it among the AI tools, under Human in the Loop, with our message parameter in front', async () => {
		const res = await server.request('GET', '/types/nodes.json');
		assert.equal(res.status, 200, res.text.slice(0, 300));
		const types = res.json;
		const hitl = types.find((t) => t.name === HITL_TYPE);
		assert.ok(hitl, `${HITL_TYPE} is not among n8n's node types`);
		assert.equal(hitl.displayName, 'Agile Telecom');
		assert.deepEqual(hitl.codex?.subcategories?.Tools, ['Human in the Loop']);
		assert.deepEqual(hitl.outputs.map((o) => o.type), ['ai_tool']);
		assert.equal(hitl.properties[0].name, 'message');
		const hidden = Object.fromEntries(hitl.properties.filter((p) => p.type === 'hidden').map((p) => [p.name, p.default]));
		assert.deepEqual(hidden, { resource: 'sms', operation: 'sendAndWait', responseType: 'approval' });
		for (const name of ['destination', 'sender', 'approvalOptions']) assert.ok(hitl.properties.some((p) => p.name === name), name);
	});

	test('Approve: the agent\'s tool call waits for the SMS link; after Approve the gated Send SMS goes out once', async () => {
		const { review, link, executionId } = await startAgent(WF.approve);
		assert.match(review.body.body, /^The agent wants to run \S+\. Allow\?\nhttp:\/\/127\.0\.0\.1:\d+\/webhook-waiting\/\d+\/hitl-approve\?signature=[0-9a-f]{64}$/);
		assert.equal(review.body.sender, 'Ops');
		assert.equal(smsTo(CUSTOMER).length, 0, 'nothing reaches the customer while the review waits');

		const page = await fetch(link);
		const html = await page.text();
		assert.equal(page.status, 200, html.slice(0, 300));
		assert.match(html, /<h1>Ops<\/h1><p class="message">The agent wants to run \S+\. Allow\?<\/p>/);
		const answered = await fetch(link, { method: 'POST', headers: FORM, body: 'approved=true' });
		assert.equal(answered.status, 200);
		const exec = await waitUntil('the execution to finish', async () => {
			const e = await execution(executionId);
			return e.status === 'success' || e.status === 'error' ? e : undefined;
		});
		assert.equal(exec.status, 'success', JSON.stringify(exec.data.resultData.error ?? {}).slice(0, 500));
		assert.equal(smsTo(CUSTOMER).length, 1, 'the gated tool ran once');
		assert.equal(smsTo(CUSTOMER)[0].body.body, 'Your order 42 has shipped');
		assert.equal(smsTo(REVIEWER).length, 1);
		const answer = exec.data.resultData.runData['AI Agent'].at(-1).data.main[0][0].json.output;
		assert.match(answer, /^Tool said: /);
		// The gated tool's answer as the agent reads it: who got the SMS, and its message id.
		const id = smsTo(CUSTOMER)[0].body.messageId;
		assert.ok(answer.includes(JSON.stringify({ to: CUSTOMER, id })), answer);
	});

	test('Decline: the gated Send SMS never goes out and the agent is told the call was rejected', async () => {
		const { link, executionId } = await startAgent(WF.decline);
		assert.equal((await fetch(link, { method: 'POST', headers: FORM, body: 'approved=false' })).status, 200);
		const exec = await waitUntil('the execution to finish', async () => {
			const e = await execution(executionId);
			return e.status === 'success' || e.status === 'error' ? e : undefined;
		});
		assert.equal(exec.status, 'success', JSON.stringify(exec.data.resultData.error ?? {}).slice(0, 500));
		assert.equal(smsTo(CUSTOMER).length, 0);
		const answer = exec.data.resultData.runData['AI Agent'].at(-1).data.main[0][0].json.output;
		assert.match(answer, /^Tool said: \[\{"output":"User rejected the tool call to Send SMS \(id: call_\d+\)\. STOP what you are doing/);
	});
});
