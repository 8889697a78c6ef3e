/**
 * Answers matched once (issue 18): two items sending to the same number, and an answer that lines up with the
 * request but carries the server's own ids. Each item must get its own verdict: the accepted one is not resent,
 * the refused one is not reported accepted. Send Batch in n8n-core's engine (bare ExecuteContext, exact pairedItem),
 * through real HTTP to the sandbox answering with ids of its own.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { BatchRequestBody } from '../../../../../nodes/AgileTelecom/helpers/batch';
import { executeBare, sandboxCredentials } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';
import type { RecordedRequest } from '../../../../sandbox/server';
import { sendBatchParameters } from './sendBatchParameters';

const SEND_PATH = '/services/sms/send';
const A = '+393351111111';
const SERVER_ID = /^msg-\d+$/;
const items = [
	{ to: A, text: 'Your code is 1111', id: 'order-1' },
	{ to: A, text: 'Your code is 2222', id: 'order-2' },
];

const sandbox = useSandbox();
beforeEach(() => {
	sandbox.configure({ batchResultIds: 'server' });
});
afterEach(() => {
	sandbox.configure({ batchResultIds: 'sent', rejections: {} });
});

async function sendBatch(over: INodeParameters = {}) {
	const output = await executeBare({
		node: {
			parameters: sendBatchParameters({ messageOptions: { ids: '={{ $json.id }}' }, retry: { initialDelay: 1, maxDelay: 5 }, ...over }),
		},
		credentials: { agileTelecomApi: sandboxCredentials(sandbox.url) },
		items,
	});
	return output?.[0] ?? [];
}

const sends = (): RecordedRequest[] => sandbox.requestsTo(SEND_PATH, 'POST');
const message = (k: 0 | 1) => ({ destinations: [A], ids: [items[k].id], sender: 'InfoSMS', body: items[k].text });

function expectRequest(request: RecordedRequest, messages: BatchRequestBody['messages']) {
	expect([request.method, request.path, request.headers['x-api-key']]).toEqual(['POST', SEND_PATH, 'test-api-key']);
	expect(request.headers['content-type']).toMatch(/^application\/json/);
	expect(request.body).toEqual({ globalId: expect.any(String), messages });
}

describe('Send Batch: each item gets the result at its own position, whatever id the server used', () => {
	test('[A refused 429, A accepted]: only the refused one is sent again, each SMS is delivered once', async () => {
		sandbox.setRejections({ [A]: { status: 429, times: 1 } });
		const output = await sendBatch();

		const [first, resend, ...more] = sends();
		expect(more).toHaveLength(0);
		expectRequest(first, [message(0), message(1)]);
		expectRequest(resend, [message(0)]);
		expect(output.map((item) => [item.json.accepted, item.pairedItem])).toEqual([
			[true, { item: 0 }],
			[true, { item: 1 }],
		]);
		// Item 1's SMS was accepted by the resend, which says so with the submission that carried it.
		const resent = { globalId: (resend.body as BatchRequestBody).globalId };
		expect(output[0].json.results).toEqual([
			{ destination: A, id: expect.stringMatching(SERVER_ID), accepted: true, statusCode: 200, status: 'accepted', ...resent },
		]);
		expect(output[1].json.results).toEqual([{ destination: A, id: expect.stringMatching(SERVER_ID), accepted: true, statusCode: 200, status: 'accepted' }]);
		expect(sandbox.countDeliveries()).toEqual(
			new Map([
				['order-2', 1],
				['order-1', 1],
			]),
		);
	});

	test('[A accepted, A refused 403]: the refused one is reported refused, nothing is sent again', async () => {
		sandbox.setRejections({ [A]: { status: 403, after: 1 } });
		const output = await sendBatch({ rejectedDestinations: 'output' });

		const [request, ...more] = sends();
		expect(more).toHaveLength(0);
		expectRequest(request, [message(0), message(1)]);
		expect(output.map((item) => [item.json.accepted, item.pairedItem])).toEqual([
			[true, { item: 0 }],
			[false, { item: 1 }],
		]);
		expect(output[1].json.results).toEqual([
			{ destination: A, id: expect.stringMatching(SERVER_ID), accepted: false, statusCode: 403, status: expect.stringContaining('blacklisted') },
		]);
		expect(sandbox.countDeliveries()).toEqual(new Map([['order-1', 1]]));
	});
});
