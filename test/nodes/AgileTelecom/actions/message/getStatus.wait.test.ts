/**
 * Message → Get Status with Wait for Final Status (issue 21, item 2), against the sandbox's status progression
 * (agile-api.md §7: SENT → RECEIVED → DELIVERED, one step per status read).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CREDENTIAL_TYPE, executeBare, sandboxCredentials, startWorkflow, waitFor, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';
import { DOCUMENTED_PROGRESSION, type RecordedRequest } from '../../../../sandbox/server';

const STATUS_PATH = '/api/partner-gateway/v1/messages/status';
/**
 * Polls after 200, 400, 800, 800 … ms: with a Max Wait of 2 s they fall at 0, 0.2, 0.6, 1.4 and 2 s. The 0.6 s
 * between the fourth poll and Max Wait keep the count of five when a loaded machine delays a timer.
 */
const POLL_RETRY = { initialDelay: 200, maxDelay: 800 };

const sandbox = useSandbox();
afterEach(() => sandbox.configure({ statusProgression: undefined }));

function node(parameters: INodeParameters): HarnessNodeOptions {
	return {
		parameters: { resource: 'message', operation: 'getStatus', waitForFinalStatus: true, retry: POLL_RETRY, ...parameters },
	};
}

const credentials = () => ({ [CREDENTIAL_TYPE]: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

const statusRequests = () => sandbox.requestsTo(STATUS_PATH);
const asked = (r: RecordedRequest) => ({ method: r.method, path: r.path, query: r.query, apiKey: r.headers['x-api-key'], status: r.status });

async function getStatus(parameters: INodeParameters): Promise<IDataObject> {
	const output = await executeBare({ node: node(parameters), credentials: credentials(), items: [{}] });
	expect(output?.[0]).toHaveLength(1);
	return output?.[0][0].json as IDataObject;
}

describe('Wait for Final Status', () => {
	it('polls an ID until it is DELIVERED: one request per status step, then stops', async () => {
		sandbox.configure({ statusProgression: DOCUMENTED_PROGRESSION });
		sandbox.setStatus('otp-1', 'SENT');

		const json = await getStatus({ messageIds: 'otp-1', maxWait: 30 });

		const single = { method: 'GET', path: `${STATUS_PATH}/otp-1`, query: { channel: 'SMS' }, apiKey: 'test-api-key', status: 200 };
		expect(statusRequests().map(asked)).toEqual([single, single, single]);
		expect(json).toMatchObject({ total: 1, allFinal: true, allDelivered: true, deliveredCount: 1, pendingCount: 0, timedOut: false, pendingIds: [], polls: 3 });
		expect(json.statuses).toEqual([
			{ messageId: 'otp-1', found: true, status: 'DELIVERED', description: 'Message delivered', final: true, delivered: true },
		]);
		// Waits of 200 and 400 ms between the three polls, never less.
		const [first, second, third] = statusRequests().map((r) => r.receivedAt);
		expect(second - first).toBeGreaterThanOrEqual(195);
		expect(third - second).toBeGreaterThanOrEqual(395);
	});

	it('an ID that never becomes final is polled until Max Wait, the last poll at Max Wait, and is reported pending', async () => {
		sandbox.setStatusProgression('otp-2', ['SENT']);

		const json = await getStatus({ messageIds: 'otp-2', maxWait: 2 });

		expect(statusRequests()).toHaveLength(5);
		for (const r of statusRequests()) expect(asked(r)).toEqual({ method: 'GET', path: `${STATUS_PATH}/otp-2`, query: { channel: 'SMS' }, apiKey: 'test-api-key', status: 200 });
		expect(json).toMatchObject({ allFinal: false, pendingCount: 1, timedOut: true, pendingIds: ['otp-2'], polls: 5 });
		expect(json.waitedMs).toBeGreaterThanOrEqual(2000);
		expect(json.statuses).toEqual([
			{ messageId: 'otp-2', found: true, status: 'SENT', description: expect.any(String), final: false, delivered: false },
		]);
		const times = statusRequests().map((r) => r.receivedAt);
		expect(times[4] - times[0]).toBeGreaterThanOrEqual(1990);
	});

	it('asks again only for the IDs not final yet', async () => {
		sandbox.setStatusProgression('otp-a', DOCUMENTED_PROGRESSION);
		sandbox.setStatusProgression('otp-b', ['SENT']);
		sandbox.setStatusProgression('otp-c', ['SENT', 'ERROR']);

		const json = await getStatus({ messageIds: 'otp-a, otp-b, otp-c', maxWait: 2 });

		const batch = (ids: string) => ({ method: 'GET', path: STATUS_PATH, query: { ids, channel: 'SMS' }, apiKey: 'test-api-key', status: 200 });
		const single = { method: 'GET', path: `${STATUS_PATH}/otp-b`, query: { channel: 'SMS' }, apiKey: 'test-api-key', status: 200 };
		expect(statusRequests().map(asked)).toEqual([batch('otp-a,otp-b,otp-c'), batch('otp-a,otp-b,otp-c'), batch('otp-a,otp-b'), single, single]);
		expect((json.statuses as IDataObject[]).map((s) => [s.messageId, s.status, s.final])).toEqual([
			['otp-a', 'DELIVERED', true],
			['otp-b', 'SENT', false],
			['otp-c', 'ERROR', true],
		]);
		expect(json).toMatchObject({ timedOut: true, pendingIds: ['otp-b'], finalCount: 2, deliveredCount: 1, polls: 5 });
	});

	it('without the option, one lookup and no wait fields', async () => {
		sandbox.configure({ statusProgression: DOCUMENTED_PROGRESSION });
		sandbox.setStatus('otp-3', 'SENT');
		const json = await getStatus({ messageIds: 'otp-3', waitForFinalStatus: false });
		expect(statusRequests()).toHaveLength(1);
		expect(json.allFinal).toBe(false);
		expect(json).not.toHaveProperty('timedOut');
		expect(json).not.toHaveProperty('pendingIds');
	});

	it('Stop while waiting between polls ends the execution at once; nothing more is asked', async () => {
		sandbox.setStatusProgression('otp-4', ['SENT']);
		const running = startWorkflow({
			node: node({ messageIds: 'otp-4', maxWait: 60, retry: { initialDelay: 30000, maxDelay: 60000 } }),
			credentials: credentials(),
		});
		await waitFor(() => statusRequests().length === 1 && statusRequests()[0].status === 200);
		const abortedAt = Date.now();
		running.abort();
		const result = await running.result;
		expect(Date.now() - abortedAt).toBeLessThan(1000);
		expect(result.canceledRun?.status).toBe('canceled');
		expect(result.nodeError?.message).toBe('The execution was cancelled while waiting for a final status');
		expect(statusRequests()).toHaveLength(1);
	});
});
