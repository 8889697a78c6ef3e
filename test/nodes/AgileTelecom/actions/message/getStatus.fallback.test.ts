/**
 * Get Status and the two documented names of the batch parameter (agile-api.md §7): `ids` (API reference) and
 * `customerMessageIds` (webhooks guide). The sandbox offers each reading; the node asks `ids` first and falls
 * back to `customerMessageIds` only where `ids` found nothing.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { executeBare, runWorkflow, sandboxCredentials } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';

const sandbox = useSandbox();
const STATUS_PATH = '/api/partner-gateway/v1/messages/status';
const FAST_RETRY = { initialDelay: 10, maxDelay: 100 };

beforeEach(() => {
	sandbox.configure({ statusParameter: 'both', statusMissingParameter: 'empty' });
});

const node = (parameters: INodeParameters) => ({
	parameters: { resource: 'message', operation: 'getStatus', retry: FAST_RETRY, ...parameters },
});
const credentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

/** Each request as `[parameter, ids, status]`. */
const asked = () =>
	sandbox.requests.map((r) => {
		expect(r.path).toBe(STATUS_PATH);
		expect(r.query.channel).toBe('SMS');
		const parameter = 'ids' in r.query ? 'ids' : 'customerMessageIds';
		return [parameter, r.query[parameter], r.status];
	});

const statusesOf = (output: IDataObject | undefined) =>
	(output?.statuses as IDataObject[]).map((s) => [s.messageId, s.status]);

describe('Get Status: ids, then customerMessageIds where ids finds nothing', () => {
	test('a server reading ids: one request per batch, never the fallback, unknown ids still NOT_FOUND', async () => {
		sandbox.configure({ statusParameter: 'ids' });
		for (const id of ['a', 'c', 'e']) sandbox.setStatus(id, 'DELIVERED');
		const result = await runWorkflow({
			node: node({ messageIds: 'a,b,c,d,e,f', options: { idsPerRequest: 2 } }),
			credentials: credentials(),
		});

		expect(result.status).toBe('success');
		expect(asked().sort()).toEqual([
			['ids', 'a,b', 200],
			['ids', 'c,d', 200],
			['ids', 'e,f', 200],
		]);
		expect(statusesOf(result.output?.[0].json)).toEqual([
			['a', 'DELIVERED'],
			['b', 'NOT_FOUND'],
			['c', 'DELIVERED'],
			['d', 'NOT_FOUND'],
			['e', 'DELIVERED'],
			['f', 'NOT_FOUND'],
		]);
	});

	test('a server reading only customerMessageIds (ids ignored, so nothing found): asked again, statuses found', async () => {
		sandbox.configure({ statusParameter: 'customerMessageIds' });
		sandbox.setStatus('a', 'DELIVERED');
		const result = await runWorkflow({ node: node({ messageIds: 'a,b' }), credentials: credentials() });

		expect(result.status).toBe('success');
		expect(asked()).toEqual([
			['ids', 'a,b', 200],
			['customerMessageIds', 'a,b', 200],
		]);
		expect(statusesOf(result.output?.[0].json)).toEqual([
			['a', 'DELIVERED'],
			['b', 'NOT_FOUND'],
		]);
	});

	test('the same server answering 400 for the missing parameter: the 400 is not an error, the fallback answers', async () => {
		sandbox.configure({ statusParameter: 'customerMessageIds', statusMissingParameter: 'badRequest' });
		sandbox.setStatus('a', 'EXPIRED');
		const result = await runWorkflow({ node: node({ messageIds: 'a,b' }), credentials: credentials() });

		expect(result.status).toBe('success');
		expect(asked()).toEqual([
			['ids', 'a,b', 400],
			['customerMessageIds', 'a,b', 200],
		]);
		expect(statusesOf(result.output?.[0].json)).toEqual([
			['a', 'EXPIRED'],
			['b', 'NOT_FOUND'],
		]);
	});

	test('once customerMessageIds has found messages, later batches of the run ask it directly', async () => {
		sandbox.configure({ statusParameter: 'customerMessageIds' });
		const ids = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
		for (const id of ids) sandbox.setStatus(id, 'SENT');
		const result = await runWorkflow({ node: node({ messageIds: ids.join(','), options: { idsPerRequest: 1 } }), credentials: credentials() });

		expect(result.status).toBe('success');
		// Four batches (the operation's concurrent requests) run at once and each learns the hard way; the last
		// two start after one of them learnt.
		const byParameter = asked().reduce<Record<string, number>>((counts, [parameter]) => {
			counts[parameter as string] = (counts[parameter as string] ?? 0) + 1;
			return counts;
		}, {});
		expect(byParameter).toEqual({ ids: 4, customerMessageIds: 6 });
		expect(statusesOf(result.output?.[0].json)).toEqual(ids.map((id) => [id, 'SENT']));
	});

	test('ids that neither name finds cost two requests and are NOT_FOUND', async () => {
		const result = await runWorkflow({ node: node({ messageIds: 'x,y' }), credentials: credentials() });

		expect(asked()).toEqual([
			['ids', 'x,y', 200],
			['customerMessageIds', 'x,y', 200],
		]);
		expect(statusesOf(result.output?.[0].json)).toEqual([
			['x', 'NOT_FOUND'],
			['y', 'NOT_FOUND'],
		]);
	});

	test('a server requiring ids (400 without it): unknown ids stay NOT_FOUND, not an error', async () => {
		sandbox.configure({ statusParameter: 'ids', statusMissingParameter: 'badRequest' });
		const result = await runWorkflow({ node: node({ messageIds: 'x,y' }), credentials: credentials() });

		expect(result.status).toBe('success');
		expect(asked()).toEqual([
			['ids', 'x,y', 200],
			['customerMessageIds', 'x,y', 400],
		]);
		expect(statusesOf(result.output?.[0].json)).toEqual([
			['x', 'NOT_FOUND'],
			['y', 'NOT_FOUND'],
		]);
	});

	test('a 400 to both names is an error with the provider text', async () => {
		const body = { status: 400, error: 'Bad Request', message: "Query parameter 'channel' is invalid" };
		sandbox.injectFaults([{ path: STATUS_PATH, status: 400, body, times: 2 }]);
		const run = executeBare({ node: node({ messageIds: 'a,b' }), credentials: credentials() });

		await expect(run).rejects.toBeInstanceOf(NodeApiError);
		await expect(run).rejects.toMatchObject({
			message: "Agile Telecom rejected the request as malformed (HTTP 400): Query parameter 'channel' is invalid",
			httpCode: '400',
		});
		expect(asked()).toEqual([
			['ids', 'a,b', 400],
			['customerMessageIds', 'a,b', 400],
		]);
	});
});
