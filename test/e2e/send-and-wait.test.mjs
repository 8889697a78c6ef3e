// End-to-end: SMS → Send and Wait for Response inside a REAL n8n (2.41.1 by default; N8N_VERSION=1.123.81 too),
// against the project's sandbox. Each workflow is Webhook → Agile Telecom (sendAndWait) → After (No Operation).
// The test starts it as a caller would, reads the SMS the sandbox received, opens its link as a phone would (GET the
// page, then POST the answer the page's buttons or form send) and reads the finished execution from n8n's REST API.
// Run with `npm run test:e2e`, or after `npm run build`: `node --test test/e2e/send-and-wait.test.mjs`.
// Environment: E2E_TGZ=<path> tests that tarball instead of packing the repo's dist/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { bindToDemoCredential, demoCredential, loadExamples } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { N8N_VERSION, REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { createInstance, packPackage, startServer } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';
const NODE = 'Agile Telecom';
const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const QLARA_SEND = '/api/message-server/sms/send';
const BATCH_SEND = '/services/sms/send';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': PHONE_UA };
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, '.cache', 'screenshots', 'send-and-wait', `n8n-${N8N_VERSION}`);

let sandbox;
let n8n;
let server;
let flatted;
const cred = {};

/** Webhook (POST /webhook/<path>) → Agile Telecom Send and Wait → After. Node ids are fixed: the link carries them. */
function workflow(key, credential, parameters) {
	const id = `e2eSW${key}`.padEnd(16, '0');
	const nodes = [
		{ id: `${key}-hook`, name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `sw-${key}`, parameters: { httpMethod: 'POST', path: `sw-${key}`, responseMode: 'onReceived', options: {} } },
		{ id: `node-${key}`, name: NODE, type: NODE_TYPE, typeVersion: 1.1, position: [220, 0], credentials: { agileTelecomApi: { id: credential.id, name: credential.name } }, parameters: { resource: 'sms', operation: 'sendAndWait', ...parameters } },
		{ id: `${key}-after`, name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0], parameters: {} },
	];
	const connections = { Hook: { main: [[{ node: NODE, type: 'main', index: 0 }]] }, [NODE]: { main: [[{ node: 'After', type: 'main', index: 0 }]] } };
	return { id, name: `send and wait ${key}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

const base = { destination: '+393351234567', sender: 'MyShop' };
const WF = {};
function defineWorkflows() {
	WF.approve = workflow('approve', cred.qlara, { ...base, message: 'Approve order 42 (120 EUR)?', responseType: 'approval', approvalOptions: { values: { approvalType: 'double', approveLabel: 'Yes, ship it', disapproveLabel: 'No' } }, options: {} });
	WF.decline = workflow('decline', cred.wholesale, { ...base, destination: '00393351234568', message: 'Cancel appointment <Tue 10:00> & refund?', responseType: 'approval', approvalOptions: { values: { approvalType: 'double' } }, options: {} });
	WF.freeText = workflow('freetext', cred.qlara, { ...base, message: 'What time suits you tomorrow?', responseType: 'freeText', options: { responseFormTitle: 'Your time', responseFormButtonLabel: 'Send' } });
	WF.approveOnly = workflow('approveonly', cred.wholesale, { ...base, message: 'Tap to confirm you are on site', responseType: 'approval', options: {} });
	WF.forged = workflow('forged', cred.qlara, { ...base, message: 'Release payment 7?', responseType: 'approval', approvalOptions: { values: { approvalType: 'double' } }, options: {} });
	WF.timeout = workflow('timeout', cred.qlara, { ...base, message: 'Answer within a second', responseType: 'approval', options: { limitWaitTime: { values: { limitType: 'afterTimeInterval', resumeAmount: 0.02, resumeUnit: 'minutes' } } } });
	WF.example = exampleWorkflow();
	WF.tooLong = workflow('toolong', cred.qlara, { ...base, message: 'x'.repeat(40), responseType: 'approval', options: {}, hygiene: { maxParts: 1 } });
}

/**
 * examples/sms-approval-send-and-wait.json as shipped, bound to the Qlara credential, with its manual trigger
 * replaced by a Webhook node of the same name (a manual run cannot be started from outside).
 */
function exampleWorkflow() {
	const [found] = loadExamples(['sms-approval-send-and-wait']);
	const wf = bindToDemoCredential(found.workflow, 'e2eSWexample0000');
	const nodes = wf.nodes.map((n) =>
		n.type === 'n8n-nodes-base.manualTrigger'
			? { ...n, type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: 'sw-example', parameters: { httpMethod: 'POST', path: 'sw-example', responseMode: 'onReceived', options: {} } }
			: n.type === NODE_TYPE
				? { ...n, credentials: { agileTelecomApi: { id: cred.qlara.id, name: cred.qlara.name } } }
				: n,
	);
	return { ...wf, nodes };
}

async function waitUntil(what, probe, { timeoutMs = 20_000, everyMs = 200 } = {}) {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

/** The execution as n8n's REST API gives it, with its run data unflattened. */
async function execution(id) {
	const r = await server.request('GET', `/rest/executions/${id}`);
	assert.equal(r.status, 200, r.text.slice(0, 300));
	const data = r.json.data;
	return { ...data, data: typeof data.data === 'string' ? flatted.parse(data.data) : data.data };
}

const output = (exec, node) => exec.data.resultData.runData[node]?.at(-1)?.data?.main?.[0]?.map((i) => i.json);

/**
 * The execution once it has this status and, for a finished one, the run data of its last node (n8n 1.x was seen
 * answering `success` once before the resumed run's data was readable).
 */
async function executionWithStatus(id, status, timeoutMs) {
	return await waitUntil(`execution ${id} to be ${status}`, async () => {
		const exec = await execution(id);
		if (exec.status !== status) return undefined;
		const { lastNodeExecuted, runData } = exec.data.resultData;
		return status === 'success' && !runData[lastNodeExecuted]?.at(-1)?.data ? undefined : exec;
	}, { timeoutMs });
}

/**
 * Starts a workflow through its webhook and waits for the one SMS it sends and for the execution to wait.
 * Returns the send request, the link in the SMS and the execution id the link names.
 */
async function start(wf, payload = { order: 42 }) {
	sandbox.reset();
	const key = wf.nodes[0].parameters.path;
	const r = await fetch(`${server.baseUrl}/webhook/${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
	assert.equal(r.status, 200, await r.text());
	const request = await waitUntil(`the SMS of ${wf.name}`, () => sandbox.requests.find((q) => q.method === 'POST' && q.path.endsWith('/sms/send')));
	const text = request.body.body ?? request.body.messages?.[0]?.body;
	const link = text.split('\n').at(-1);
	const url = new URL(link);
	const [, , executionId, nodeId] = url.pathname.split('/');
	await executionWithStatus(executionId, 'waiting', 20_000);
	return { request, text, link, url, executionId, nodeId };
}

async function open(link, init = {}) {
	const res = await fetch(link, { ...init, headers: { 'user-agent': PHONE_UA, ...init.headers } });
	return { status: res.status, headers: res.headers, body: await res.text() };
}

const answer = async (link, form) => await open(link, { method: 'POST', headers: FORM, body: new URLSearchParams(form).toString() });

/** What every link must look like: n8n's waiting-webhook URL of this execution and node, signed (HMAC-SHA256 hex). */
function assertSignedLink(sent, wf) {
	assert.match(sent.link, new RegExp(`^${server.baseUrl.replace(/[.]/g, '\\.')}/webhook-waiting/\\d+/${wf.nodes[1].id}\\?signature=[0-9a-f]{64}$`));
	assert.equal(sent.nodeId, wf.nodes[1].id);
}

function assertRecent(iso, startedMs) {
	assert.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
	const t = Date.parse(iso);
	assert.ok(t >= startedMs - 1000 && t <= Date.now() + 1000, `${iso} is not between the answer and now`);
}

before(async () => {
	const runtime = await ensureRuntime({ quiet: true });
	flatted = createRequire(runtime.n8nBin)('flatted');
	sandbox = await startSandbox({});
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	cred.qlara = { ...demoCredential(sandbox.url), id: 'e2eSendWaitQlara', name: 'e2e qlara' };
	cred.wholesale = { ...demoCredential(sandbox.url, { customApiFormat: 'agile' }), id: 'e2eSendWaitWhole', name: 'e2e wholesale' };
	await n8n.importCredentials([cred.qlara, cred.wholesale]);
	defineWorkflows();
	await n8n.importWorkflows(Object.values(WF));
	// n8n 1.x publishes with the CLI before the start; 2.x publishes each workflow through the editor's REST call.
	const legacy = N8N_VERSION.startsWith('1.');
	if (legacy) {
		const published = await n8n.cli(['update:workflow', '--all', '--active=true']);
		assert.equal(published.exitCode, 0, `${published.stdout}\n${published.stderr}`.slice(-2000));
	}
	server = await startServer(n8n);
	await server.setupOwner();
	if (!legacy) {
		for (const wf of Object.values(WF)) {
			const r = await server.activateWorkflow(wf.id);
			assert.equal(r.status, 200, r.text.slice(0, 500));
		}
	}
	for (const wf of Object.values(WF)) {
		const path = wf.nodes[0].parameters.path;
		// 404 "not registered for GET" once the POST webhook is live; "is not registered" before.
		await waitUntil(`${wf.name} to be live`, async () => {
			const r = await fetch(`${server.baseUrl}/webhook/${path}`, { method: 'GET' });
			return r.status === 404 && (await r.text()).includes('not registered for GET');
		}, { timeoutMs: 60_000 }).catch(async (error) => {
			const status = await server.request('GET', `/rest/workflows/${wf.id}/publication-status`);
			throw new Error(`${error.message}: ${status.text.slice(0, 1000)}`);
		});
	}
});

after(async () => {
	await server?.stop();
	await n8n?.dispose();
	await sandbox?.close();
});

describe(`Send and Wait for Response in n8n ${N8N_VERSION}`, () => {
	test('Qlara account: one SMS with the message and the signed link; the page works on a phone; Approve resumes the execution', async () => {
		const wf = WF.approve;
		const sent = await start(wf);
		assert.equal(sandbox.requests.length, 1, 'exactly one request: the SMS');
		assert.equal(sent.request.path, QLARA_SEND);
		assert.equal(sent.request.headers['x-api-key'], 'test-api-key');
		assertSignedLink(sent, wf);
		assert.deepEqual(Object.keys(sent.request.body).sort(), ['body', 'destination', 'messageId', 'sender']);
		assert.equal(sent.request.body.destination, '+393351234567');
		assert.equal(sent.request.body.sender, 'MyShop');
		assert.equal(sent.request.body.body, `Approve order 42 (120 EUR)?\n${sent.link}`);

		const page = await open(sent.link);
		assert.equal(page.status, 200);
		assert.match(page.headers.get('content-type'), /^text\/html/);
		assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
		assert.equal(page.headers.get('cache-control'), 'no-store');
		assert.match(page.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
		assert.match(page.body, /<h1>MyShop<\/h1><p class="message">Approve order 42 \(120 EUR\)\?<\/p><form method="post">/);
		assert.match(page.body, /<button type="submit" class="primary" name="approved" value="true">Yes, ship it<\/button>/);
		assert.match(page.body, /<button type="submit" class="secondary" name="approved" value="false">No<\/button>/);
		assert.equal((await execution(sent.executionId)).status, 'waiting', 'opening the page answers nothing');

		const startedMs = Date.now();
		const done = await answer(sent.link, { approved: 'true' });
		assert.equal(done.status, 200);
		assert.match(done.body, /<h1>Got it, thanks<\/h1>/);
		const exec = await executionWithStatus(sent.executionId, 'success', 20_000);
		const [json] = output(exec, NODE);
		assert.deepEqual(Object.keys(json).sort(), ['data', 'destination']);
		assert.deepEqual(Object.keys(json.data).sort(), ['approved', 'respondedAt']);
		assert.equal(json.data.approved, true);
		assert.equal(json.destination, '+393351234567');
		assertRecent(json.data.respondedAt, startedMs);
		assert.deepEqual(output(exec, 'After'), [json], 'the answer flows on to the next node');
		assert.equal(sandbox.requests.length, 1, 'still one SMS');

		const again = await open(sent.link);
		assert.equal(again.status, 200);
		assert.doesNotMatch(again.body, /name="approved"/, 'a finished execution shows n8n\'s "no action required" page, no buttons');
	});

	test('wholesale account: sent through the batch API (one message); the page escapes the text; Decline resumes with approved false', async () => {
		const wf = WF.decline;
		const sent = await start(wf);
		assert.equal(sandbox.requests.length, 1);
		assert.equal(sent.request.path, BATCH_SEND);
		assertSignedLink(sent, wf);
		const { body } = sent.request;
		assert.deepEqual(Object.keys(body).sort(), ['globalId', 'messages']);
		assert.equal(body.messages.length, 1);
		assert.deepEqual(Object.keys(body.messages[0]).sort(), ['body', 'destinations', 'ids', 'sender']);
		assert.deepEqual(body.messages[0].destinations, ['+393351234568']);
		assert.equal(body.messages[0].ids.length, 1);
		assert.equal(body.messages[0].sender, 'MyShop');
		assert.equal(body.messages[0].body, `Cancel appointment <Tue 10:00> & refund?\n${sent.link}`);

		const page = await open(sent.link);
		assert.match(page.body, /<p class="message">Cancel appointment &#60;Tue 10:00&#62; &#38; refund\?<\/p>/);
		assert.match(page.body, />Approve<\/button>/);
		assert.match(page.body, />Decline<\/button>/);

		const startedMs = Date.now();
		assert.equal((await answer(sent.link, { approved: 'false' })).status, 200);
		const exec = await executionWithStatus(sent.executionId, 'success', 20_000);
		const [json] = output(exec, NODE);
		assert.equal(json.data.approved, false);
		assert.equal(json.destination, '+393351234568');
		assertRecent(json.data.respondedAt, startedMs);
	});

	test('Free Text: the form page, an empty answer refused (still waiting), then the text resumes the execution', async () => {
		const wf = WF.freeText;
		const sent = await start(wf);
		assert.equal(sent.request.body.body, `What time suits you tomorrow?\n${sent.link}`);
		const page = await open(sent.link);
		assert.equal(page.status, 200);
		assert.match(page.body, /<h1>Your time<\/h1><p class="message">What time suits you tomorrow\?<\/p>/);
		assert.match(page.body, /<textarea id="text" name="text" required><\/textarea><button type="submit" class="primary">Send<\/button>/);

		const empty = await answer(sent.link, { text: '   ' });
		assert.equal(empty.status, 400);
		assert.match(empty.body, /role="alert">Write a response before sending it\.</);
		assert.equal((await execution(sent.executionId)).status, 'waiting');

		const reply = 'After 15:00, please.\nThe side door is open.';
		const startedMs = Date.now();
		const done = await answer(sent.link, { text: reply });
		assert.equal(done.status, 200);
		const exec = await executionWithStatus(sent.executionId, 'success', 20_000);
		const [json] = output(exec, NODE);
		assert.deepEqual(Object.keys(json.data).sort(), ['respondedAt', 'text']);
		assert.equal(json.data.text, reply);
		assert.equal(json.destination, '+393351234567');
		assertRecent(json.data.respondedAt, startedMs);
	});

	test('Approve Only: one button; a "false" posted anyway is not an answer (400, still waiting); Approve is', async () => {
		const sent = await start(WF.approveOnly);
		const page = await open(sent.link);
		assert.equal((page.body.match(/<button /g) ?? []).length, 1);
		assert.match(page.body, /value="true">Approve<\/button>/);
		const refused = await answer(sent.link, { approved: 'false' });
		assert.equal(refused.status, 400);
		assert.equal((await execution(sent.executionId)).status, 'waiting');
		assert.equal((await answer(sent.link, { approved: 'true' })).status, 200);
		const [json] = output(await executionWithStatus(sent.executionId, 'success', 20_000), NODE);
		assert.equal(json.data.approved, true);
	});

	test('a forged or unsigned link is refused by n8n before the node sees it, and the execution keeps waiting', async () => {
		const sent = await start(WF.forged);
		const unsigned = new URL(sent.link);
		unsigned.searchParams.delete('signature');
		const flipped = new URL(sent.link);
		const sig = flipped.searchParams.get('signature');
		flipped.searchParams.set('signature', `${sig.slice(0, -1)}${sig.at(-1) === '0' ? '1' : '0'}`);
		const extraParam = new URL(sent.link);
		extraParam.searchParams.set('approved', 'true');
		const otherExecution = new URL(sent.link);
		otherExecution.pathname = otherExecution.pathname.replace(`/${sent.executionId}/`, `/${Number(sent.executionId) + 1000}/`);
		for (const [what, url] of [['unsigned', unsigned], ['altered signature', flipped], ['added parameter', extraParam]]) {
			const get = await open(url.toString());
			assert.equal(get.status, 401, `GET ${what}`);
			assert.doesNotMatch(get.body, /name="approved"/, `GET ${what} shows no page of ours`);
			const post = await answer(url.toString(), { approved: 'true' });
			assert.equal(post.status, 401, `POST ${what}`);
		}
		const elsewhere = await answer(otherExecution.toString(), { approved: 'true' });
		assert.equal(elsewhere.status, 404, 'the signature of one execution opens no other');
		const exec = await execution(sent.executionId);
		assert.equal(exec.status, 'waiting');
		assert.equal(output(exec, 'After'), undefined);
		assert.equal(sandbox.requests.length, 1, 'nothing else was sent');
		// The real link still works: the forgeries consumed nothing.
		assert.equal((await answer(sent.link, { approved: 'false' })).status, 200);
		assert.equal(output(await executionWithStatus(sent.executionId, 'success', 20_000), NODE)[0].data.approved, false);
	});

	test('Limit Wait Time: without an answer the execution resumes at the limit with the input item (no data), and the link then asks nothing', async () => {
		const payload = { order: 'timeout-1' };
		const sent = await start(WF.timeout, payload);
		// n8n's wait tracker looks for due executions once a minute.
		const exec = await executionWithStatus(sent.executionId, 'success', 90_000);
		const [json] = output(exec, NODE);
		assert.equal(json.data, undefined, 'no answer');
		assert.deepEqual(json.body, payload, 'the input item from the Webhook node, unchanged');
		assert.deepEqual(output(exec, 'After'), [json]);
		const late = await open(sent.link);
		assert.doesNotMatch(late.body, /name="approved"/);
		const lateAnswer = await answer(sent.link, { approved: 'true' });
		assert.doesNotMatch(lateAnswer.body, /Got it, thanks/);
		assert.equal((await execution(sent.executionId)).data.resultData.runData[NODE].length, 1, 'a late answer changes nothing');
	});

	test('examples/sms-approval-send-and-wait.json: Confirm reaches "Confirmed", Cancel reaches "Cancelled or no answer"', async () => {
		const wf = WF.example;
		const confirmed = await start(wf);
		assert.equal(confirmed.request.body.body, `Hi Anna, your appointment is on Tue 10:00. Confirm or cancel here:\n${confirmed.link}`);
		assert.match((await open(confirmed.link)).body, /value="true">Confirm<\/button><button type="submit" class="secondary" name="approved" value="false">Cancel<\/button>/);
		assert.equal((await answer(confirmed.link, { approved: 'true' })).status, 200);
		const yes = await executionWithStatus(confirmed.executionId, 'success', 20_000);
		assert.equal(output(yes, 'Confirmed')?.[0].data.approved, true);
		assert.equal(output(yes, 'Cancelled or no answer'), undefined);

		const cancelled = await start(wf);
		assert.equal((await answer(cancelled.link, { approved: 'false' })).status, 200);
		const no = await executionWithStatus(cancelled.executionId, 'success', 20_000);
		assert.equal(output(no, 'Cancelled or no answer')?.[0].data.approved, false);
		assert.equal(output(no, 'Confirmed'), undefined);
	});

	test('in a phone browser (Chromium, 390×844 touch screen): the page fits, a tap on Approve or typed text resumes the execution', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing` }, async () => {
		const { chromium } = await import('playwright-core');
		mkdirSync(SHOTS, { recursive: true });
		const profile = mkdtempSync(path.join(os.tmpdir(), 'agile-phone-'));
		const browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			viewport: { width: 390, height: 844 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			userAgent: PHONE_UA,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		try {
			const page = browser.pages()[0] ?? (await browser.newPage());
			const approval = await start(WF.approve);
			await page.goto(approval.link);
			const approve = page.getByRole('button', { name: 'Yes, ship it' });
			const box = await approve.boundingBox();
			assert.ok(box.width >= 340 && box.height >= 48, `the button is ${box.width}×${box.height} CSS px`);
			assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');
			await page.screenshot({ path: path.join(SHOTS, 'page-approval.png') });
			await approve.tap();
			await page.getByRole('heading', { name: 'Got it, thanks' }).waitFor();
			await page.screenshot({ path: path.join(SHOTS, 'page-recorded.png') });
			const approved = await executionWithStatus(approval.executionId, 'success', 20_000);
			assert.equal(output(approved, NODE)[0].data.approved, true);

			const question = await start(WF.freeText);
			await page.goto(question.link);
			await page.getByLabel('Response').fill('Any time after 3 pm');
			await page.screenshot({ path: path.join(SHOTS, 'page-free-text.png') });
			await page.getByRole('button', { name: 'Send' }).tap();
			await page.getByRole('heading', { name: 'Got it, thanks' }).waitFor();
			const answered = await executionWithStatus(question.executionId, 'success', 20_000);
			assert.equal(output(answered, NODE)[0].data.text, 'Any time after 3 pm');
		} finally {
			await browser.close();
			rmSync(profile, { recursive: true, force: true });
		}
	});

	test('the link counts toward Max Parts: a message that fits alone but not with its link fails before anything is sent', async () => {
		sandbox.reset();
		const r = await fetch(`${server.baseUrl}/webhook/sw-toolong`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		assert.equal(r.status, 200);
		const failed = await waitUntil('the failed execution', async () => {
			const filter = encodeURIComponent(JSON.stringify({ workflowId: WF.tooLong.id }));
			const list = await server.request('GET', `/rest/executions?filter=${filter}`);
			const found = list.json.data.results.find((e) => e.status === 'error');
			return found ? await execution(found.id) : undefined;
		});
		const error = failed.data.resultData.error;
		assert.match(error.message, /^Item 1: Message \(with the response link\): needs 2 SMS parts \(GSM-7\), more than Max Parts \(1\)/);
		assert.equal(sandbox.requests.length, 0, 'nothing was sent');
	});
});
