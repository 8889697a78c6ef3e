/**
 * Deduplication Across Executions (issue 18): a key per item, recorded in n8n's deduplication store before the SMS
 * is sent, released when nothing of it may have been sent. In n8n-core's real engine, through real HTTP to the
 * sandbox; the store is a stand-in with n8n 2.41's read-then-write behaviour (see test/harness/deduplication.ts),
 * so the tests of executions at the same moment prove the node's own serialisation.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { DEDUPLICATION_DEFAULTS, deduplicationField } from '../../../../../nodes/AgileTelecom/descriptions/send';
import { runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useDeduplicationStore, type TestDeduplicationStore } from '../../../../harness/deduplication';
import { deliveredTo as countDeliveries, useSandbox } from '../../../../sandbox/lifecycle';

const BATCH_PATH = '/services/sms/send';
const QLARA_PATH = '/api/message-server/sms/send';
const BLACKLISTED = '+393350000403';
const [FIRST, THIRD] = ['+393351000001', '+393351000003'];
const PREFIX = 'agile-telecom-sms:';
const ORDERS = [
	{ orderId: 'A-1', to: FIRST, text: 'Your order shipped' },
	{ orderId: 'A-2', to: BLACKLISTED, text: 'Your order shipped' },
	{ orderId: 'A-3', to: THIRD, text: 'Your order shipped' },
];
const KEY = { key: '={{ $json.orderId }}-shipped' };

const sandbox = useSandbox();
let store: TestDeduplicationStore;
beforeAll(async () => {
	store = await useDeduplicationStore();
});
afterEach(() => {
	store.reset();
	sandbox.configure({ rejections: {} });
});

const credentials = (format: 'agile' | 'qlara' = 'agile') => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: format }) });

function batchNode(deduplication: INodeParameters = KEY, over: Partial<HarnessNodeOptions> = {}, parameters: INodeParameters = {}): HarnessNodeOptions {
	return {
		parameters: {
			resource: 'sms',
			operation: 'sendBatch',
			destinations: '={{ $json.to }}',
			sender: 'InfoSMS',
			body: '={{ $json.text }}',
			batching: { messagesPerRequest: 1, concurrency: 1 },
			deduplication,
			...parameters,
		},
		...over,
	};
}

function qlaraNode(deduplication: INodeParameters = KEY, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return {
		parameters: { resource: 'sms', operation: 'send', destination: '={{ $json.to }}', sender: 'MyShop', body: '={{ $json.text }}', deduplication },
		...over,
	};
}

const deliveredTo = () => countDeliveries(sandbox);

const summary = (output: Array<{ json: IDataObject }> | undefined) =>
	output?.map(({ json }) => (json.skipped === true ? `skipped ${String(json.deduplicationKey)}` : json.error !== undefined ? 'error' : `accepted ${String(json.accepted)}`));

describe('across executions, each key is sent once', () => {
	test.each([
		['Send Batch', batchNode, BATCH_PATH, 'agile'],
		['Send (Qlara)', qlaraNode, QLARA_PATH, 'qlara'],
	] as const)('%s: a second execution with the same keys sends nothing and says why', async (_name, node, path, format) => {
		const items = [ORDERS[0], ORDERS[2]];
		const first = await runWorkflow({ node: node(), credentials: credentials(format), items });
		const second = await runWorkflow({ node: node(), credentials: credentials(format), items });

		expect(summary(first.output)).toEqual(['accepted true', 'accepted true']);
		expect(summary(second.output)).toEqual(['skipped A-1-shipped', 'skipped A-3-shipped']);
		expect(second.output?.[0].json.reason).toBe(
			'The Deduplication Key "A-1-shipped" is already recorded: an earlier execution sent this SMS (or may have), so it is not sent again',
		);
		expect(sandbox.requestsTo(path, 'POST')).toHaveLength(2);
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
		// One check (and record) per execution for all its keys, in the node's list, with the default history.
		expect(store.calls).toEqual([
			{ method: 'checkProcessedAndRecord', items: [`${PREFIX}A-1-shipped`, `${PREFIX}A-3-shipped`], list: 'test-workflow/n:agile-telecom-node', maxEntries: 10000 },
			{ method: 'checkProcessedAndRecord', items: [`${PREFIX}A-1-shipped`, `${PREFIX}A-3-shipped`], list: 'test-workflow/n:agile-telecom-node', maxEntries: 10000 },
		]);
	});

	test('a refused SMS releases its key: after the row is fixed, a new execution sends only that one', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const failed = await runWorkflow({ node: batchNode(KEY, { onError: 'continueRegularOutput' }), credentials: credentials(), items: ORDERS });
		expect(summary(failed.output)).toEqual(['accepted true', 'error', 'accepted true']);
		expect(store.calls.at(-1)).toEqual({ method: 'removeProcessed', items: [`${PREFIX}A-2-shipped`], list: 'test-workflow/n:agile-telecom-node' });

		sandbox.configure({ rejections: {} });
		const retried = await runWorkflow({ node: batchNode(KEY, { onError: 'continueRegularOutput' }), credentials: credentials(), items: ORDERS });
		expect(summary(retried.output)).toEqual(['skipped A-1-shipped', 'accepted true', 'skipped A-3-shipped']);
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [BLACKLISTED]: 1, [THIRD]: 1 });
	});

	test('an execution that stops at a refusal releases the keys of the items it never reached', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const failed = await runWorkflow({ node: batchNode(), credentials: credentials(), items: ORDERS });
		expect(failed.status).toBe('error');
		expect(store.calls.at(-1)?.items).toEqual([`${PREFIX}A-2-shipped`, `${PREFIX}A-3-shipped`]);

		sandbox.configure({ rejections: {} });
		const retried = await runWorkflow({ node: batchNode(), credentials: credentials(), items: ORDERS });
		expect(summary(retried.output)).toEqual(['skipped A-1-shipped', 'accepted true', 'accepted true']);
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [BLACKLISTED]: 1, [THIRD]: 1 });
	});

	test('an SMS of unknown outcome (a 500 after the server accepted) keeps its key', async () => {
		sandbox.injectFaults([{ method: 'POST', path: QLARA_PATH, status: 500, accept: true, body: { message: 'Internal error' }, times: 1 }]);
		const node = qlaraNode(KEY, { onError: 'continueRegularOutput' });
		const first = await runWorkflow({ node, credentials: credentials('qlara'), items: [ORDERS[0]] });
		const second = await runWorkflow({ node, credentials: credentials('qlara'), items: [ORDERS[0]] });

		expect(summary(first.output)).toEqual(['error']);
		expect(summary(second.output)).toEqual(['skipped A-1-shipped']);
		expect(store.calls.map((c) => c.method)).toEqual(['checkProcessedAndRecord', 'checkProcessedAndRecord']);
		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
	});

	test("n8n's Retry On Fail keeps the run's own keys: accepted items are repeated, not skipped or resent", async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const run = await runWorkflow({
			node: batchNode(KEY, { retryOnFail: true, maxTries: 3, waitBetweenTries: 10, onError: 'continueRegularOutput' }),
			credentials: credentials(),
			items: [ORDERS[1], ORDERS[0], ORDERS[2]],
		});
		expect(run.output?.map((o) => [o.json.error === undefined ? o.json.accepted : 'error', o.json.fromEarlierTry])).toEqual([
			['error', undefined],
			[true, true],
			[true, true],
		]);
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
	});
});

describe('executions at the same moment (two webhook calls)', () => {
	test.each([
		['Send Batch', batchNode, 'agile'],
		['Send (Qlara)', qlaraNode, 'qlara'],
	] as const)('%s: each key is sent by exactly one of them, and no key is lost from the store', async (_name, node, format) => {
		const items = [ORDERS[0], ORDERS[2]];
		const runs = await Promise.all([1, 2, 3].map(async () => await runWorkflow({ node: node(), credentials: credentials(format), items })));

		expect(deliveredTo()).toEqual({ [FIRST]: 1, [THIRD]: 1 });
		const outputs = runs.map((r) => summary(r.output));
		expect(outputs.filter((o) => o?.every((s) => s === 'accepted true'))).toHaveLength(1);
		expect(outputs.filter((o) => o?.every((s) => s.startsWith('skipped')))).toHaveLength(2);
		expect(store.size('test-workflow/n:agile-telecom-node')).toBe(2);
	});
});

describe('keys within one execution, scope, and what is checked before sending', () => {
	test("the fields' defaults are the ones the node uses when a field is not set", () => {
		const field = deduplicationField(['sendBatch']);
		const defaults = Object.fromEntries((field.options as INodeProperties[]).filter((o) => o.name !== 'key').map((o) => [o.name, o.default]));
		expect(defaults).toEqual(DEDUPLICATION_DEFAULTS);
	});

	test('two items with the same key: the second is skipped, naming the first', async () => {
		const run = await runWorkflow({ node: qlaraNode({ key: 'welcome-{{ $json.to }}' }), credentials: credentials('qlara'), items: [ORDERS[0], ORDERS[0]] });
		expect(summary(run.output)).toEqual(['accepted true', `skipped welcome-{{ $json.to }}`]);
		expect(run.output?.[1].json).toMatchObject({ sameKeyAsItem: 1, reason: 'Item 1 has the same Deduplication Key "welcome-{{ $json.to }}" and sends it: nothing sent for this item' });
		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
	});

	test('workflow scope: two Agile Telecom nodes of a workflow share their keys, under the workflow list', async () => {
		await runWorkflow({ node: batchNode({ ...KEY, scope: 'workflow', historySize: 50 }), credentials: credentials(), items: [ORDERS[0]] });
		const other = await runWorkflow({ node: { ...qlaraNode({ ...KEY, scope: 'workflow' }), name: 'Other Agile' }, credentials: credentials('qlara'), items: [ORDERS[0]] });

		expect(summary(other.output)).toEqual(['skipped A-1-shipped']);
		expect(store.calls.map((c) => [c.list, c.maxEntries])).toEqual([
			['test-workflow/', 50],
			['test-workflow/', 10000],
		]);
	});

	test('an item whose key is empty fails before anything is sent, naming the item and the field', async () => {
		const run = await runWorkflow({ node: batchNode({ key: '={{ $json.orderId }}' }), credentials: credentials(), items: [ORDERS[0], { to: THIRD, text: 'Hi', orderId: ' ' }] });
		expect(run.error?.message).toBe(
			'Item 2: Deduplication Key: empty for this item; every item needs a key (e.g. {{ $json.orderId }}-shipped), or remove Deduplication Across Executions',
		);
		expect(sandbox.requests).toHaveLength(0);
		expect(store.calls).toEqual([]);
	});

	test('Keys to Keep above the cap fails before anything is sent, naming the field', async () => {
		const run = await runWorkflow({ node: batchNode({ ...KEY, historySize: 250000 }), credentials: credentials(), items: ORDERS });
		expect(run.error?.message).toBe('Keys to Keep is 250000: at most 100000 keys can be kept. Nothing was sent');
		expect(sandbox.requests).toHaveLength(0);
		expect(store.calls).toEqual([]);
	});

	test("without n8n's store nothing is sent, and the error says what to do", async () => {
		store.failure = new Error('SQLITE_BUSY: database is locked');
		const run = await runWorkflow({ node: batchNode(), credentials: credentials(), items: ORDERS });

		expect(run.status).toBe('error');
		expect(run.error?.message).toBe("n8n's deduplication store could not be used: SQLITE_BUSY: database is locked. Nothing was sent");
		expect(sandbox.requests).toHaveLength(0);
	});
});
