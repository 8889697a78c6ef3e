/**
 * Stop during a retry wait, through n8n-core's real engine (the UI's Stop button = the harness's abort()):
 * the execution ends at once instead of sleeping out the server's Retry-After, and nothing more is sent.
 */
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, sandboxCredentials, startWorkflow, waitFor } from '../../../harness';
import { startSandbox, type Sandbox } from '../../../sandbox/server';

const CREDIT = '/services/sms/credit';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

it('Stop during a 30 s Retry-After wait ends the execution within a fraction of a second', async () => {
	sandbox.injectFaults([
		{ path: CREDIT, status: 429, headers: { 'Retry-After': '30' }, body: { status: 429, message: 'Rate limit exceeded.', retryAfter: 30 } },
	]);
	const running = startWorkflow({
		node: { parameters: { resource: 'account', operation: 'getCredit', source: 'legacy' } },
		credentials: { [CREDENTIAL_TYPE]: sandboxCredentials(sandbox.url) },
	});
	await waitFor(() => sandbox.requestsTo(CREDIT).some((r) => r.status === 429));
	// Let the node read the 429 and start its wait (a Stop while the request is in flight is another path).
	await sleep(100);
	const abortedAt = Date.now();
	running.abort();
	const result = await running.result;
	expect(Date.now() - abortedAt).toBeLessThan(1000);
	// What the n8n app stores for the execution; the engine's own result holds the node's error.
	expect(result.canceledRun?.status).toBe('canceled');
	expect(result.nodeError?.message).toBe('The execution was cancelled while waiting to retry');
	expect(sandbox.requestsTo(CREDIT)).toHaveLength(1);
});
