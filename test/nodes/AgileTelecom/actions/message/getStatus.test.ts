import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { startSandbox, type RecordedRequest, type Sandbox } from '../../../../sandbox/server';

const STATUS_PATH = '/api/partner-gateway/v1/messages/status';
const FAST_RETRY = { initialDelay: 10, maxDelay: 100 };

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
});

function node(parameters: INodeParameters, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return {
		parameters: { resource: 'message', operation: 'getStatus', retry: FAST_RETRY, ...parameters },
		...over,
	};
}

const credentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

function summary(requests: RecordedRequest[]) {
	return requests.map((r) => ({
		method: r.method,
		path: r.path,
		query: r.query,
		apiKey: r.headers['x-api-key'],
		accept: r.headers.accept,
		body: r.body,
		status: r.status,
	}));
}

const request = (path: string, query: Record<string, string>, status = 200) => ({
	method: 'GET',
	path,
	query,
	apiKey: 'test-api-key',
	accept: 'application/json',
	body: undefined,
	status,
});

const notFound = (messageId: string, channel = 'SMS'): IDataObject => ({
	messageId,
	found: false,
	status: 'NOT_FOUND',
	description: `No message with this ID on channel ${channel}. Check the ID and that Channel matches the channel the message was sent on; a message sent moments ago may not be known yet.`,
	final: false,
	delivered: false,
});

describe('Message → Get Status', () => {
	describe('one ID: GET …/status/{id}?channel=', () => {
		test('a delivered message', async () => {
			sandbox.setStatus('order-1', 'DELIVERED');
			const result = await runWorkflow({ node: node({ messageIds: 'order-1' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([request(`${STATUS_PATH}/order-1`, { channel: 'SMS' })]);
			expect(result.output?.map((item) => item.json)).toEqual([
				{
					channel: 'SMS',
					total: 1,
					deliveredCount: 1,
					finalCount: 1,
					pendingCount: 0,
					notFoundCount: 0,
					allFinal: true,
					allDelivered: true,
					statuses: [
						{ messageId: 'order-1', found: true, status: 'DELIVERED', description: 'Message delivered', final: true, delivered: true },
					],
				},
			]);
		});

		test('an ID with reserved characters is percent-encoded in the path', async () => {
			sandbox.setStatus('a/b?c', 'SENT');
			const result = await runWorkflow({ node: node({ messageIds: 'a/b?c' }), credentials: credentials() });

			expect(summary(sandbox.requests)).toEqual([request(`${STATUS_PATH}/a%2Fb%3Fc`, { channel: 'SMS' })]);
			expect(result.output?.[0].json.statuses).toEqual([
				{ messageId: 'a/b?c', found: true, status: 'SENT', description: 'Message forwarded to the carrier', final: false, delivered: false },
			]);
		});

		test('wrong channel: the 404 becomes a NOT_FOUND entry naming the channel, not a failed node', async () => {
			sandbox.setStatus('order-1', 'DELIVERED');
			const result = await runWorkflow({ node: node({ messageIds: 'order-1', channel: 'RCS' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([request(`${STATUS_PATH}/order-1`, { channel: 'RCS' }, 404)]);
			expect(result.output?.map((item) => item.json)).toEqual([
				{
					channel: 'RCS',
					total: 1,
					deliveredCount: 0,
					finalCount: 0,
					pendingCount: 0,
					notFoundCount: 1,
					allFinal: false,
					allDelivered: false,
					statuses: [notFound('order-1', 'RCS')],
				},
			]);
		});

		test('an unknown ID is reported as NOT_FOUND', async () => {
			const result = await runWorkflow({ node: node({ messageIds: 'nobody' }), credentials: credentials() });

			expect(summary(sandbox.requests)).toEqual([request(`${STATUS_PATH}/nobody`, { channel: 'SMS' }, 404)]);
			expect(result.output?.[0].json.statuses).toEqual([notFound('nobody')]);
		});

		test('a 500 is retried (reads always are), then the answer is used', async () => {
			sandbox.setStatus('order-1', 'ERROR', 'Carrier rejected');
			sandbox.injectFaults([{ path: STATUS_PATH, status: 500, body: { status: 500, error: 'Internal Server Error', message: 'try later' } }]);
			const result = await runWorkflow({ node: node({ messageIds: 'order-1' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(summary(sandbox.requests)).toEqual([
				request(`${STATUS_PATH}/order-1`, { channel: 'SMS' }, 500),
				request(`${STATUS_PATH}/order-1`, { channel: 'SMS' }),
			]);
			expect(result.output?.[0].json.statuses).toEqual([
				{ messageId: 'order-1', found: true, status: 'ERROR', description: 'Carrier rejected', final: true, delivered: false },
			]);
		});
	});

	describe('many IDs: GET …/status?ids=a,b,c&channel=', () => {
		test('every documented status maps to its final and delivered flags (an undocumented one to neither), in the order asked', async () => {
			const table: Array<[string, boolean, boolean]> = [
				['SENT', false, false],
				['DELIVERED', true, true],
				['RECEIVED', false, false],
				['ERROR', true, false],
				['EXPIRED', true, false],
				// Final: the shared status table (helpers/deliveryStatus.ts) gives UNKNOWN one meaning, in the trigger too.
				['UNKNOWN', true, false],
				['UNDELIVERABLE', true, false],
				['QUEUED', false, false],
			];
			for (const [status] of table) sandbox.setStatus(`m-${status}`, status);
			const ids = table.map(([status]) => `m-${status}`);
			const result = await runWorkflow({ node: node({ messageIds: ids.join('\n') }), credentials: credentials() });

			expect(summary(sandbox.requests)).toEqual([request(STATUS_PATH, { ids: ids.join(','), channel: 'SMS' })]);
			const json = result.output?.[0].json as IDataObject;
			expect((json.statuses as IDataObject[]).map((s) => [s.status, s.final, s.delivered])).toEqual(table);
			expect(json).toMatchObject({
				total: 8,
				deliveredCount: 1,
				finalCount: 5,
				pendingCount: 3,
				notFoundCount: 0,
				allFinal: false,
				allDelivered: false,
			});
		});

		test('a list longer than one request is split (200 per request by default), unknown IDs kept in place', async () => {
			const ids = Array.from({ length: 450 }, (_, i) => `id-${i}`);
			// Every third ID is unknown to the platform, which the batch endpoint omits from its answer.
			ids.forEach((id, i) => {
				if (i % 3 !== 0) sandbox.setStatus(id, 'DELIVERED');
			});
			const result = await runWorkflow({ node: node({ messageIds: ids.join(', ') }), credentials: credentials() });

			expect(result.status).toBe('success');
			// The requests run concurrently, so their arrival order is not part of the contract.
			expect(summary(sandbox.requests)).toHaveLength(3);
			expect(summary(sandbox.requests)).toEqual(
				expect.arrayContaining([
					request(STATUS_PATH, { ids: ids.slice(0, 200).join(','), channel: 'SMS' }),
					request(STATUS_PATH, { ids: ids.slice(200, 400).join(','), channel: 'SMS' }),
					request(STATUS_PATH, { ids: ids.slice(400).join(','), channel: 'SMS' }),
				]),
			);
			const json = result.output?.[0].json as IDataObject;
			const statuses = json.statuses as IDataObject[];
			expect(statuses.map((s) => s.messageId)).toEqual(ids);
			expect(statuses[0]).toEqual(notFound('id-0'));
			expect(statuses[1]).toEqual({
				messageId: 'id-1',
				found: true,
				status: 'DELIVERED',
				description: 'Message delivered',
				final: true,
				delivered: true,
			});
			expect(json).toMatchObject({ total: 450, notFoundCount: 150, deliveredCount: 300, allDelivered: false });
		});

		test('IDs per Request changes the split', async () => {
			const ids = ['a', 'b', 'c', 'd', 'e'];
			// Known ids: a batch that finds nothing would also be asked as customerMessageIds (see getStatus.fallback.test.ts).
			for (const id of ids) sandbox.setStatus(id, 'SENT');
			await runWorkflow({ node: node({ messageIds: ids.join(','), options: { idsPerRequest: 2 } }), credentials: credentials() });

			expect(sandbox.requests.map((r) => r.query.ids).sort()).toEqual(['a,b', 'c,d', 'e']);
		});

		test('long IDs are sent in smaller groups so no URL carries more than about 6,000 characters of IDs', async () => {
			const ids = Array.from({ length: 150 }, (_, i) => `${String(i).padStart(3, '0')}-${'x'.repeat(96)}`);
			for (const id of ids) sandbox.setStatus(id, 'SENT');
			await runWorkflow({ node: node({ messageIds: ids.join(',') }), credentials: credentials() });

			const sent = sandbox.requests.map((r) => r.query.ids).sort();
			expect(sent.length).toBeGreaterThan(1);
			for (const value of sent) expect(encodeURIComponent(value).length).toBeLessThanOrEqual(6000);
			expect(sent.join(',').split(',')).toEqual(ids);
		});

		test('wrong channel: the batch endpoint omits the IDs, so all are NOT_FOUND (after asking customerMessageIds too)', async () => {
			sandbox.setStatus('a', 'DELIVERED');
			sandbox.setStatus('b', 'SENT');
			const result = await runWorkflow({ node: node({ messageIds: 'a,b', channel: 'WHATSAPP' }), credentials: credentials() });

			expect(summary(sandbox.requests)).toEqual([
				request(STATUS_PATH, { ids: 'a,b', channel: 'WHATSAPP' }),
				request(STATUS_PATH, { customerMessageIds: 'a,b', channel: 'WHATSAPP' }),
			]);
			expect(result.output?.[0].json).toMatchObject({
				channel: 'WHATSAPP',
				notFoundCount: 2,
				statuses: [notFound('a', 'WHATSAPP'), notFound('b', 'WHATSAPP')],
			});
		});

		test('an array from an expression works like a list, duplicates asked once', async () => {
			sandbox.setStatus('a', 'DELIVERED');
			sandbox.setStatus('b', 'EXPIRED');
			const result = await runWorkflow({
				node: node({ messageIds: '={{ $json.ids }}' }),
				credentials: credentials(),
				items: [{ ids: ['a', 'b', 'a'] }],
			});

			expect(summary(sandbox.requests)).toEqual([request(STATUS_PATH, { ids: 'a,b', channel: 'SMS' })]);
			expect((result.output?.[0].json.statuses as IDataObject[]).map((s) => s.status)).toEqual(['DELIVERED', 'EXPIRED']);
		});

		test('a 500 is retried, then the answer is used', async () => {
			sandbox.setStatus('a', 'DELIVERED');
			sandbox.injectFaults([{ path: STATUS_PATH, status: 500, body: { status: 500, error: 'Internal Server Error', message: 'x' }, times: 2 }]);
			const result = await runWorkflow({ node: node({ messageIds: 'a,b' }), credentials: credentials() });

			expect(result.status).toBe('success');
			expect(sandbox.requests.map((r) => r.status)).toEqual([500, 500, 200]);
			expect(result.output?.[0].json).toMatchObject({ deliveredCount: 1, notFoundCount: 1 });
		});

		test('other documented response spellings are understood: a wrapper, messageId, deliveryStatoDescription', async () => {
			sandbox.injectFaults([
				{
					path: STATUS_PATH,
					status: 200,
					body: {
						data: [
							{ messageId: 'b', deliveryStatus: 'delivered', deliveryStatoDescription: 'Consegnato', updatedAt: '2026-11-23T10:00:00Z' },
							{ customerMessageId: 'zzz', deliveryStatus: 'SENT' },
						],
					},
				},
			]);
			const result = await runWorkflow({ node: node({ messageIds: 'a,b' }), credentials: credentials() });

			expect(result.output?.[0].json.statuses).toEqual([
				notFound('a'),
				{
					updatedAt: '2026-11-23T10:00:00Z',
					messageId: 'b',
					found: true,
					status: 'DELIVERED',
					description: 'Consegnato',
					final: true,
					delivered: true,
				},
			]);
		});
	});

	describe('items', () => {
		test('one ID per item: one batch request for all items, one output item per input item, paired', async () => {
			sandbox.setStatus('a', 'DELIVERED');
			sandbox.setStatus('c', 'ERROR');
			const output = await executeBare({
				node: node({ messageIds: '={{ $json.id }}' }),
				credentials: credentials(),
				items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'a' }],
			});

			expect(summary(sandbox.requests)).toEqual([request(STATUS_PATH, { ids: 'a,b,c', channel: 'SMS' })]);
			const rows = output?.[0].map((item) => [
				item.pairedItem,
				(item.json.statuses as IDataObject[]).map((s) => [s.messageId, s.status]),
				item.json.allDelivered,
			]);
			expect(rows).toEqual([
				[{ item: 0 }, [['a', 'DELIVERED']], true],
				[{ item: 1 }, [['b', 'NOT_FOUND']], false],
				[{ item: 2 }, [['c', 'ERROR']], false],
				[{ item: 3 }, [['a', 'DELIVERED']], true],
			]);
		});

		test('items on different channels are looked up per channel', async () => {
			sandbox.setStatus('a', 'DELIVERED');
			await runWorkflow({
				node: node({ messageIds: '={{ $json.id }}', channel: '={{ $json.channel }}' }),
				credentials: credentials(),
				items: [
					{ id: 'a', channel: 'SMS' },
					{ id: 'b', channel: 'RCS' },
					{ id: 'c', channel: 'SMS' },
				],
			});

			// The two lookups run concurrently: compare them in a fixed order.
			const sent = summary(sandbox.requests).sort((x, y) => x.path.localeCompare(y.path));
			expect(sent).toEqual([request(STATUS_PATH, { ids: 'a,c', channel: 'SMS' }), request(`${STATUS_PATH}/b`, { channel: 'RCS' }, 404)]);
		});

		test('a request that keeps failing: NodeApiError without Continue On Fail', async () => {
			sandbox.injectFaults([{ path: STATUS_PATH, status: 503, body: { status: 503, error: 'Unavailable', message: 'down' }, times: 10 }]);
			const run = executeBare({ node: node({ messageIds: 'a,b', retry: { ...FAST_RETRY, maxRetries: 1 } }), credentials: credentials() });

			await expect(run).rejects.toBeInstanceOf(NodeApiError);
			await expect(run).rejects.toMatchObject({ httpCode: '503' });
			expect(sandbox.requests).toHaveLength(2);
		});

		test('with Continue On Fail, only the items whose IDs were in the failed request become error items', async () => {
			sandbox.setStatus('a', 'DELIVERED');
			sandbox.setStatus('b', 'DELIVERED');
			sandbox.setStatus('c', 'SENT');
			// Two requests (a,b and c) run concurrently; whichever arrives first gets the 503, and without retries it stays failed.
			sandbox.injectFaults([{ path: STATUS_PATH, status: 503, body: { status: 503, error: 'Unavailable', message: 'down' } }]);
			const output = await executeBare({
				node: node(
					{ messageIds: '={{ $json.ids }}', options: { idsPerRequest: 2 }, retry: { ...FAST_RETRY, maxRetries: 0 } },
					{ onError: 'continueRegularOutput' },
				),
				credentials: credentials(),
				items: [{ ids: 'a' }, { ids: 'b,c' }, { ids: 'c' }],
			});

			expect(sandbox.requests.map((r) => r.query.ids).sort()).toEqual(['a,b', 'c']);
			const failed = sandbox.requests.filter((r) => r.status === 503).map((r) => r.query.ids);
			expect(failed).toHaveLength(1);
			const failedIds = failed[0].split(',');
			const rows = output?.[0].map((item) => [item.pairedItem, typeof item.json.error === 'string']);
			expect(rows).toEqual(
				['a', 'b,c', 'c'].map((ids, i) => [{ item: i }, ids.split(',').some((id) => failedIds.includes(id))]),
			);
			// Item 2 ("b,c") spans both requests, so it is an error item whichever failed.
			expect(output?.[0][1].json.error).toEqual(expect.stringContaining('HTTP 503'));
		});
	});

	describe('validation, before any request', () => {
		test('no IDs', async () => {
			const run = executeBare({ node: node({ messageIds: ' , \n' }), credentials: credentials() });

			await expect(run).rejects.toBeInstanceOf(NodeOperationError);
			await expect(run).rejects.toMatchObject({ message: expect.stringMatching(/^Item 1: Message IDs: is empty/) });
			expect(sandbox.requests).toHaveLength(0);
		});

		test('an ID with a space (probably two IDs badly separated)', async () => {
			const run = executeBare({
				node: node({ messageIds: '={{ $json.ids }}' }),
				credentials: credentials(),
				items: [{ ids: 'a' }, { ids: 'b c' }],
			});

			await expect(run).rejects.toMatchObject({ message: expect.stringMatching(/^Item 2: Message IDs: "b c" contains a space/) });
			expect(sandbox.requests).toHaveLength(0);
		});

		test('with Continue On Fail the invalid item is an error item and the others are still looked up', async () => {
			sandbox.setStatus('a', 'SENT');
			const output = await executeBare({
				node: node({ messageIds: '={{ $json.ids }}' }, { onError: 'continueRegularOutput' }),
				credentials: credentials(),
				items: [{ ids: '' }, { ids: 'a' }],
			});

			expect(output?.[0].map((item) => [item.pairedItem, item.json.error ?? item.json.pendingCount])).toEqual([
				[{ item: 0 }, expect.stringMatching(/^Item 1: Message IDs: is empty/)],
				[{ item: 1 }, 1],
			]);
			expect(summary(sandbox.requests)).toEqual([request(`${STATUS_PATH}/a`, { channel: 'SMS' })]);
		});
	});
});
