// n8n's executions list and production webhooks, driven over REST the way the editor and a caller do, for tests that
// need more than `n8n execute`: runs started by webhooks, read back from n8n's database, retried from the list.
// Every function takes a server from `startServer()` (runtime.mjs) after `setupOwner()` (the REST calls need its
// auth cookie).
//
//   await waitForWebhook(server, 'orders');                 // published and registered
//   const res = await callWebhook(server, 'orders', { rows }); // { status, json, text }
//   const [first] = await listExecutions(server, workflowId);  // newest first: { id, status, mode, retryOf … }
//   const run = await getExecution(server, first.id);         // with `data` (the run execution data) parsed
//   const retried = await retryExecution(server, first.id);   // the executions list's "Retry with original workflow"
import { createRequire } from 'node:module';

/** Production URL of a Webhook node's path. */
export const webhookUrl = (server, webhookPath) => `${server.baseUrl}/webhook/${webhookPath}`;

/** POSTs JSON to a production webhook and reads the answer: { status, json, text }. */
export async function callWebhook(server, webhookPath, body) {
	return await server.request('POST', `/webhook/${webhookPath}`, body ?? {});
}

/**
 * Waits until the POST webhook at `webhookPath` is registered, without starting a run: n8n answers a GET on a path
 * registered only for POST with a 404 that names the other method, and a path it does not know with another text.
 */
export async function waitForWebhook(server, webhookPath, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const res = await fetch(webhookUrl(server, webhookPath));
		const text = await res.text();
		if (res.status !== 404 || /not registered for GET/i.test(text)) return;
		if (Date.now() > deadline) throw new Error(`webhook ${webhookPath} not live after ${timeoutMs} ms: HTTP ${res.status} ${text.slice(0, 300)}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** The executions n8n stored for a workflow, newest first (`GET /rest/executions`). */
export async function listExecutions(server, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const r = await server.request('GET', `/rest/executions?filter=${filter}&limit=100`);
	if (r.status !== 200) throw new Error(`GET executions failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
	return [...r.json.data.results].sort((a, b) => Number(b.id) - Number(a.id));
}

/** Waits until `count` executions of the workflow are stored and none is still running. */
export async function waitForExecutions(server, workflowId, count, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = await listExecutions(server, workflowId);
		if (list.length >= count && list.every((e) => !['new', 'running', 'waiting'].includes(e.status))) return list;
		if (Date.now() > deadline) throw new Error(`${list.length}/${count} finished executions of ${workflowId} after ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * One stored execution (`GET /rest/executions/:id`) with its `data` as the run execution data object (n8n sends it
 * serialised with `flatted`; the runtime's own copy parses it).
 */
export async function getExecution(server, executionId, runtime) {
	const r = await server.request('GET', `/rest/executions/${executionId}`);
	if (r.status !== 200) throw new Error(`GET execution ${executionId} failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
	const execution = r.json.data;
	if (typeof execution.data === 'string') execution.data = flatted(runtime).parse(execution.data);
	return execution;
}

function flatted(runtime) {
	return createRequire(runtime.n8nBin)('flatted');
}

/**
 * Retries a failed execution as the executions list does (`POST /rest/executions/:id/retry`): `loadWorkflow` false
 * is "Retry with original workflow", true "Retry with currently saved workflow". Resolves when the retry has run, with
 * n8n's answer (2.x: the new execution; 1.x: whether it finished).
 */
export async function retryExecution(server, executionId, { loadWorkflow = false } = {}) {
	const r = await server.request('POST', `/rest/executions/${executionId}/retry`, { loadWorkflow });
	if (r.status !== 200) throw new Error(`retry of execution ${executionId} failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
	return r.json.data;
}

/** Output items (json and pairedItem) of a node in a run execution data object, first run and output unless told. */
export function nodeItems(runData, nodeName, { runIndex = 0, output = 0 } = {}) {
	return runData?.resultData?.runData?.[nodeName]?.[runIndex]?.data?.main?.[output];
}
