// End-to-end, in a real n8n (N8N_VERSION: 2.41.1 or 1.123.81), issue 18: nothing is sent twice on the paths n8n gives
// a node beyond one execution's own engine: the AI Agent calling the node as a tool (the agent calling again after a
// tool error, and the tool's Retry On Fail), Retry from the executions list, two executions started at the same
// moment, and continue-on-fail with an expression that throws for one item.
//
// One `n8n start` serves every case: each workflow starts from a production webhook (the way a caller, a form or
// another system starts it), the runs are read back from n8n's executions list, and what reached Agile Telecom is
// counted by the sandbox per destination and text. The chat model is scripts/n8n/fake-openai.mjs on 127.0.0.1.
// Run with `npm run test:e2e` (or, after `npm run build`, `node --test test/e2e/never-twice.test.mjs`).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { callWebhook, getExecution, listExecutions, nodeItems, retryExecution, waitForExecutions, waitForWebhook } from '../../scripts/n8n/executions.mjs';
import { startFakeOpenAi, text, toolCalls } from '../../scripts/n8n/fake-openai.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { N8N_VERSION } from '../../scripts/n8n/paths.mjs';
import { deliveredTo as deliveredToIn, NODE_TYPE } from '../../scripts/n8n/rowsWorkflow.mjs';
import { createInstance, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

/** The tool n8n derives from the node (`usableAsTool: true`). */
const TOOL_TYPE = 'n8n-nodes-agiletelecom.agileTelecomTool';
const QLARA_PATH = '/api/message-server/sms/send';
const REFUSED = '+393350000403';
const [A, B, C] = ['+393351800001', '+393351800002', '+393351800003'];
const ROWS = [
	{ orderId: 'ord-1001', to: A, text: 'Your order 1001 has shipped' },
	{ orderId: 'ord-1002', to: B, text: 'Your order 1002 has shipped' },
	{ orderId: 'ord-1003', to: C, text: 'Your order 1003 has shipped' },
];
const OPERATIONS = ['sendBatch', 'send'];
const LABEL = { sendBatch: 'Send Batch', send: 'Send (Qlara)' };
/**
 * The agent versions that reach the tool by different roads: 3.x hands each tool call to the workflow engine (a run of
 * the tool node of its own), 2.x calls the tool inside its own run through n8n-core's makeHandleToolInvocation.
 */
const AGENT_3 = N8N_VERSION.startsWith('1.') ? 3 : 3.1; // n8n 1.123 has 3, 2.41 has 3 and 3.1 (its default)
const AGENTS = [
	{ typeVersion: AGENT_3, label: `AI Agent ${AGENT_3} (tool calls run by the engine)` },
	{ typeVersion: 2.2, label: 'AI Agent 2.2 (tool calls inside the agent, makeHandleToolInvocation)' },
];
const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };
/**
 * n8n 1.x stops the whole execution when a tool run by the engine (Agent 3) fails; 2.x hands the error to the agent.
 * On 1.x an agent sees a tool error (and can call again) only when the tool is set to continue on error, which is
 * what a user does there; the node then answers with its error item instead of throwing.
 */
const STOPS_ON_TOOL_ERROR = (agent) => N8N_VERSION.startsWith('1.') && agent.typeVersion >= 3;

let sandbox;
let model;
let n8n;
let server;
const credential = {};
const WF = {};

const account = (operation) => (operation === 'send' ? credential.qlara : credential.wholesale);
const agileCredentials = (operation) => ({ agileTelecomApi: { id: account(operation).id, name: account(operation).name } });

/** Deliveries per destination (the sandbox counts each acceptance of a destination with its text). */
const deliveredTo = () => deliveredToIn(sandbox);

function webhookNode(id, webhookPath) {
	return {
		id: `${id}-w`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
}

/** The parameters of a send reading each row (`to`, `text`), with Deduplication Across Executions when given a key. */
function sendParameters(operation, { key, body = '={{ $json.text }}' } = {}) {
	const common = { resource: 'sms', operation, body, ...(key ? { deduplication: { key } } : {}) };
	if (operation === 'sendBatch') return { ...common, destinations: '={{ $json.to }}', sender: 'InfoSMS', batching: { messagesPerRequest: 1, concurrency: 1 } };
	return { ...common, destination: '={{ $json.to }}', sender: 'MyShop' };
}

/** A workflow started by a POST to the production webhook `webhookPath`, then `nodes`. */
function webhookWorkflow(id, webhookPath, nodes, connections) {
	return { id, name: `never twice: ${webhookPath}`, settings: { executionOrder: 'v1' }, nodes: [webhookNode(id, webhookPath), ...nodes], connections };
}

/** Webhook (body `{ rows }`) → Split Out → Agile, with node settings. */
function rowsWorkflow(id, webhookPath, parameters, settings = {}) {
	return webhookWorkflow(
		id,
		webhookPath,
		[
			{ id: `${id}-s`, name: 'Rows', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.rows', options: {} } },
			{ id: `${id}-a`, name: 'Agile', type: NODE_TYPE, typeVersion: 1.1, position: [440, 0], parameters, credentials: agileCredentials(parameters.operation), ...settings },
		],
		{
			Webhook: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Agile', type: 'main', index: 0 }]] },
		},
	);
}

/** The tool's parameters, filled by the model through $fromAI() as a user builds it. */
function toolParameters(operation) {
	const textFromAi = "={{ $fromAI('text', 'The text of the SMS', 'string') }}";
	if (operation === 'sendBatch') {
		return { resource: 'sms', operation, destinations: "={{ $fromAI('destinations', 'Phone numbers in international format, comma-separated', 'string') }}", sender: 'InfoSMS', body: textFromAi };
	}
	return { resource: 'sms', operation, destination: "={{ $fromAI('destination', 'One phone number in international format', 'string') }}", sender: 'MyShop', body: textFromAi };
}

/** Webhook → AI Agent, its chat model the fake OpenAI server, its one tool Agile Telecom (with node settings). */
function agentWorkflow(id, webhookPath, { agentVersion, operation, settings = {} }) {
	return webhookWorkflow(
		id,
		webhookPath,
		[
			{
				id: `${id}-g`,
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: agentVersion,
				position: [220, 0],
				parameters: { promptType: 'define', text: 'Send the SMS the customer asked for.', options: {} },
			},
			{
				id: `${id}-m`,
				name: 'Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [120, 200],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-fake' }, options: {} },
				credentials: { openAiApi: { id: credential.openAi.id, name: credential.openAi.name } },
			},
			{
				id: `${id}-t`,
				name: 'Send SMS',
				type: TOOL_TYPE,
				typeVersion: 1.1,
				position: [320, 200],
				parameters: toolParameters(operation),
				credentials: agileCredentials(operation),
				...settings,
			},
		],
		{
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Send SMS': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	);
}

const agentPath = (agent, operation, mode) => `agent-${String(agent.typeVersion).replace('.', '')}-${operation}-${mode}`;

/**
 * The model: call the one tool it is offered with `args`, `calls` times in all (each after the previous result came
 * back, whatever it said), then answer in words.
 */
function callToolTimes(args, calls) {
	return ({ tools, toolResults }) => (toolResults.length < calls ? toolCalls([tools[0], args]) : text('Done.'));
}

/** The tool results the model was given, in order (from its last request). */
function toolResultsSeen() {
	const last = model.chatRequests().at(-1);
	return (last?.messages ?? []).filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
}

/** A failed webhook answer with the error n8n stored for the workflow's newest execution, for assertion messages. */
async function withRunError(res, webhookPath) {
	if (res.status === 200) return '';
	const [latest] = await listExecutions(server, WF[webhookPath].id);
	const error = latest && (await getExecution(server, latest.id, n8n.runtime)).data?.resultData?.error;
	return `${res.text.slice(0, 300)}; execution ${latest?.id}: ${error?.node?.name ?? ''} ${error?.message ?? ''} ${error?.description ?? ''}`.slice(0, 1500);
}

/** What each case sent: the sandbox's fresh state, the one refused number, faults as the case needs. */
function freshSandbox() {
	sandbox.reset();
	sandbox.configure({ latencyMs: 0 });
	sandbox.setRejections({ [REFUSED]: 403 });
	model.reset();
}

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	model = await startFakeOpenAi();
	n8n = await createInstance({
		packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })),
		env: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' },
	});
	credential.wholesale = { ...demoCredential(sandbox.url, { customApiFormat: 'agile' }), id: 'e2eTwiceCred0001', name: 'e2e wholesale' };
	credential.qlara = { ...demoCredential(sandbox.url, { customApiFormat: 'qlara' }), id: 'e2eTwiceCred0002', name: 'e2e qlara' };
	credential.openAi = model.credential({ id: 'e2eTwiceOpenAi01', name: 'e2e fake OpenAI' });
	await n8n.importCredentials([credential.wholesale, credential.qlara, credential.openAi]);

	let n = 0;
	const id = (tag) => `e2eTwice${tag}${String(++n).padStart(8 - tag.length, '0')}`.slice(0, 16);
	for (const agent of AGENTS) {
		for (const operation of OPERATIONS) {
			const recall = STOPS_ON_TOOL_ERROR(agent) ? { onError: 'continueRegularOutput' } : {};
			for (const [mode, settings] of [['recall', recall], ['retry', RETRY_ON_FAIL]]) {
				const webhookPath = agentPath(agent, operation, mode);
				WF[webhookPath] = agentWorkflow(id('Ag'), webhookPath, { agentVersion: agent.typeVersion, operation, settings });
			}
		}
	}
	for (const operation of OPERATIONS) {
		WF[`list-${operation}`] = rowsWorkflow(id('Li'), `list-${operation}`, sendParameters(operation, { key: '={{ $json.orderId }}-shipped' }));
		WF[`same-moment-${operation}`] = rowsWorkflow(id('Sm'), `same-moment-${operation}`, sendParameters(operation, { key: '={{ $json.orderId }}' }));
		WF[`throws-${operation}`] = rowsWorkflow(id('Th'), `throws-${operation}`, sendParameters(operation, { body: '={{ $json.payload.parseJson().text }}' }), {
			onError: 'continueRegularOutput',
		});
	}
	await n8n.importWorkflows(Object.values(WF));
	server = await n8n.start();
	await server.setupOwner();
	for (const [webhookPath, workflow] of Object.entries(WF)) {
		const r = await server.activateWorkflow(workflow.id);
		assert.equal(r.status, 200, `${webhookPath}: ${r.text.slice(0, 500)}`);
	}
	for (const webhookPath of Object.keys(WF)) await waitForWebhook(server, webhookPath);
});

after(async () => {
	await server?.stop();
	await n8n?.dispose();
	await model?.close();
	await sandbox?.close();
});

describe(`AI Agent calling the Agile Telecom tool, n8n ${N8N_VERSION}: one delivery per number`, () => {
	const cases = {
		sendBatch: {
			args: { destinations: `${A}, ${REFUSED}`, text: 'Your code is 4711' },
			prepare: () => {},
			expected: { [A]: 1 },
		},
		send: {
			args: { destination: B, text: 'Your code is 4712' },
			// The server accepts the SMS, then answers 500: the node cannot know it went through.
			prepare: () => sandbox.injectFaults([{ method: 'POST', path: QLARA_PATH, status: 500, body: { message: 'Internal Server Error' }, accept: true }]),
			expected: { [B]: 1 },
		},
	};
	const failure = { sendBatch: `${REFUSED} refused (a 403 inside a 200)`, send: 'a 500 after the server accepted' };

	for (const agent of AGENTS) {
		for (const operation of OPERATIONS) {
			const { args, prepare, expected } = cases[operation];
			test(`${agent.label}, ${LABEL[operation]}, ${failure[operation]}: the agent calls again with the same arguments after the tool error`, async (t) => {
				freshSandbox();
				prepare();
				model.setScript(callToolTimes(args, 2));
				const res = await callWebhook(server, agentPath(agent, operation, 'recall'), {});
				const results = toolResultsSeen();
				t.diagnostic(`deliveries ${JSON.stringify(deliveredTo())}; tool results: ${JSON.stringify(results.map((r) => r.slice(0, 600)))}`);
				assert.equal(res.status, 200, await withRunError(res, agentPath(agent, operation, 'recall')));
				assert.equal(results.length, 2, 'the model was given two tool results');
				assert.deepEqual(deliveredTo(), expected);
				assert.deepEqual(sandbox.duplicates(), []);
				// The second call must be told, as a result: Agent 2.2 hands the model an empty tool message when the tool
				// throws (seen in n8n 2.41.1 and 1.123.81), so a repeated error would tell it nothing.
				if (operation === 'send') assert.match(results[1], /alreadySent|already sent/i, 'the second call is told the SMS went out already');
			});

			test(`${agent.label}, ${LABEL[operation]}, ${failure[operation]}: the tool's Retry On Fail (3 tries)`, async (t) => {
				freshSandbox();
				prepare();
				model.setScript(callToolTimes(args, 1));
				const res = await callWebhook(server, agentPath(agent, operation, 'retry'), {});
				const results = toolResultsSeen();
				t.diagnostic(`deliveries ${JSON.stringify(deliveredTo())}; requests ${sandbox.requests.length}; tool results: ${JSON.stringify(results.map((r) => r.slice(0, 600)))}`);
				// Send Batch's refused number fails every try. Send (Qlara)'s second try sends nothing and answers that the
				// SMS was already attempted (unknown outcome), so that tool call succeeds.
				if (STOPS_ON_TOOL_ERROR(agent) && operation === 'sendBatch') {
					// Every try failed, so n8n 1.x ends the execution with the tool's error: the model hears nothing back.
					assert.equal(res.status, 500, res.text.slice(0, 1000));
					assert.equal(results.length, 0);
				} else {
					assert.equal(res.status, 200, await withRunError(res, agentPath(agent, operation, 'retry')));
					assert.equal(results.length, 1, 'the model was given one tool result');
				}
				assert.deepEqual(deliveredTo(), expected);
				assert.deepEqual(sandbox.duplicates(), []);
			});
		}
	}
});

describe(`Deduplication Across Executions, n8n ${N8N_VERSION}`, () => {
	for (const operation of OPERATIONS) {
		test(`${LABEL[operation]}: failed after 2 of 3 accepted, retried from the executions list: each number delivered once`, async (t) => {
			freshSandbox();
			// The third number is refused once (a 403 inside a 200); by the retry it is accepted.
			sandbox.setRejections({ [C]: { status: 403, times: 1 } });
			const workflow = WF[`list-${operation}`];
			const first = await callWebhook(server, `list-${operation}`, { rows: ROWS });
			const [failed] = await waitForExecutions(server, workflow.id, 1);
			const afterFirst = deliveredTo();
			assert.equal(failed.status, 'error', first.text.slice(0, 500));
			assert.deepEqual(afterFirst, { [A]: 1, [B]: 1 });

			await retryExecution(server, failed.id);
			const [retried] = await waitForExecutions(server, workflow.id, 2);
			t.diagnostic(`deliveries after the failed run ${JSON.stringify(afterFirst)}, after the retry ${JSON.stringify(deliveredTo())}`);
			assert.deepEqual([String(retried.retryOf), retried.mode], [String(failed.id), 'retry']);
			assert.deepEqual(deliveredTo(), { [A]: 1, [B]: 1, [C]: 1 });
			assert.deepEqual(sandbox.duplicates(), []);
			const items = nodeItems((await getExecution(server, retried.id, n8n.runtime)).data, 'Agile').map((i) => i.json);
			assert.deepEqual(
				items.map((i) => [i.skipped === true, i.accepted ?? null]),
				[
					[true, null],
					[true, null],
					[false, true],
				],
				JSON.stringify(items).slice(0, 1500),
			);
			assert.ok(items.slice(0, 2).every((i) => typeof i.reason === 'string' && i.reason.length > 0), 'a skipped item says why');
			assert.equal(retried.status, 'success');
		});

		test(`${LABEL[operation]}: two executions started at the same moment with the same keys: each key sent once`, async (t) => {
			freshSandbox();
			// Requests take 300 ms, so both runs are sending at the same time.
			sandbox.configure({ latencyMs: 300 });
			const workflow = WF[`same-moment-${operation}`];
			const answers = await Promise.all([0, 1].map(() => callWebhook(server, `same-moment-${operation}`, { rows: ROWS })));
			const runs = await waitForExecutions(server, workflow.id, 2);
			const [startedLast, stoppedFirst] = [Math.max(...runs.map((r) => Date.parse(r.startedAt))), Math.min(...runs.map((r) => Date.parse(r.stoppedAt)))];
			assert.ok(startedLast < stoppedFirst, `the two runs overlapped: ${JSON.stringify(runs.map((r) => [r.startedAt, r.stoppedAt]))}`);
			const sends = sandbox.requests.filter((r) => r.method === 'POST' && /sms\/send$/.test(r.path));
			t.diagnostic(`deliveries ${JSON.stringify(deliveredTo())}; send requests ${sends.length}; answers ${answers.map((a) => a.status)}`);
			assert.deepEqual(answers.map((a) => a.status), [200, 200], answers.map((a) => a.text.slice(0, 300)).join('\n'));
			assert.deepEqual(deliveredTo(), { [A]: 1, [B]: 1, [C]: 1 });
			assert.deepEqual(sandbox.duplicates(), []);
			// Per row: one run sent it, the other says it skipped it.
			for (let i = 0; i < ROWS.length; i++) {
				const pair = answers.map((a) => a.json[i]);
				assert.deepEqual(pair.map((o) => o.skipped === true).sort(), [false, true], JSON.stringify(pair));
				assert.deepEqual(pair.map((o) => o.accepted ?? null).sort(), [null, true].sort(), JSON.stringify(pair));
			}
		});

		test(`${LABEL[operation]}: continue-on-fail, one item's expression throws: the other two delivered once, that item an error item`, async (t) => {
			freshSandbox();
			const workflow = WF[`throws-${operation}`];
			// Row 2 carries a cut-off JSON payload: `parseJson()` throws n8n's ExpressionExtensionError for it alone.
			const rows = ROWS.map((row, i) => ({ ...row, payload: i === 1 ? '{"text": "Your order 1002' : JSON.stringify({ text: row.text }) }));
			const res = await callWebhook(server, `throws-${operation}`, { rows });
			const [done] = await waitForExecutions(server, workflow.id, 1);
			const items = nodeItems((await getExecution(server, done.id, n8n.runtime)).data, 'Agile') ?? [];
			t.diagnostic(`deliveries ${JSON.stringify(deliveredTo())}; outputs ${JSON.stringify(items.map((i) => i.json)).slice(0, 600)}`);
			assert.equal(res.status, 200, res.text.slice(0, 500));
			assert.deepEqual(deliveredTo(), { [A]: 1, [C]: 1 });
			assert.deepEqual(
				items.map((i) => [typeof i.json.error === 'string', i.json.accepted ?? null]),
				[
					[false, true],
					[true, null],
					[false, true],
				],
			);
			assert.deepEqual(items[1].pairedItem, { item: 1 });
			assert.match(items[1].json.error, /Parsing failed/);
		});
	}
});
