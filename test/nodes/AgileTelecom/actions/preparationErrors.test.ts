/**
 * Per-item preparation errors (issue 18 item 4): an expression that throws for one item (here `$('Lookup').item`,
 * which only item 2 reaches, for a node that is not there: n8n's ExpressionError) is that item's error. With continue-on-fail it becomes the item's error item, paired with it, and the
 * other items are sent; without it the node fails naming the item before anything is sent. Every operation, in
 * n8n-core's engine, through real HTTP to the sandbox.
 */
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { ExpressionError, NodeOperationError } from 'n8n-workflow';

import { preparationError } from '../../../../nodes/AgileTelecom/actions/outcome';

import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../harness';
import { useSandbox } from '../../../sandbox/lifecycle';

const sandbox = useSandbox();
const CONTINUE: Partial<HarnessNodeOptions> = { onError: 'continueRegularOutput' };
const [FIRST, THIRD] = ['+393351000001', '+393351000003'];
/** Item 2 has no `contact`, so only its expression reaches for `$('Lookup')`, and throws. */
const items: IDataObject[] = [
	{ contact: { phone: FIRST }, text: 'Hello 1' },
	{ text: 'Hello 2' },
	{ contact: { phone: THIRD }, text: 'Hello 3' },
];
const PHONE = '={{ $json.contact ? $json.contact.phone : $("Lookup").item.json.phone }}';
const THROWN = 'Referenced node doesn\'t exist (node "Lookup")';

const credentials = (format: 'agile' | 'qlara' = 'agile') => ({
	agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: format }),
});

function bare(parameters: INodeParameters, options: Partial<HarnessNodeOptions> = {}, format: 'agile' | 'qlara' = 'agile') {
	return executeBare({ node: { parameters, ...options }, credentials: credentials(format), items });
}

/** The error item of item 2, exactly as the router writes it. */
function expectItemTwoFailed(output: INodeExecutionData[], parameter: string) {
	expect(output[1]).toEqual({
		json: {
			error: `Item 2: ${parameter}: ${THROWN}`,
			details: { description: expect.stringContaining(`Fix the expression in "${parameter}" for item 2; nothing was sent for this item.`) },
		},
		pairedItem: { item: 1 },
	});
}

async function expectStopsBeforeSending(parameters: INodeParameters, parameter: string, format: 'agile' | 'qlara' = 'agile') {
	const before = sandbox.requests.length;
	const failure = bare(parameters, {}, format);
	await expect(failure).rejects.toBeInstanceOf(NodeOperationError);
	await failure.catch((error: NodeOperationError) => {
		expect(error.message).toBe(`Item 2: ${parameter}: ${THROWN}`);
		expect(error.context.itemIndex).toBe(1);
		// The expression's text (n8n keeps it as the cause) is not carried along.
		expect(JSON.stringify(error)).not.toContain('$json');
	});
	expect(sandbox.requests).toHaveLength(before);
}

describe('Send Batch: an expression that throws for one item', () => {
	const parameters: INodeParameters = {
		resource: 'sms',
		operation: 'sendBatch',
		destinations: PHONE,
		sender: 'InfoSMS',
		body: '={{ $json.text }}',
		messageOptions: { ids: '={{ "order-" + $json.text.slice(-1) }}' },
	};

	test('continue-on-fail: item 2 is an error item paired with it, items 1 and 3 are sent in one exact request', async () => {
		const output = (await bare(parameters, CONTINUE))?.[0] ?? [];

		const [request, ...more] = sandbox.requestsTo('/services/sms/send', 'POST');
		expect(more).toHaveLength(0);
		expect([request.method, request.headers['x-api-key']]).toEqual(['POST', 'test-api-key']);
		expect(request.body).toEqual({
			globalId: expect.any(String),
			messages: [
				{ destinations: [FIRST], ids: ['order-1'], sender: 'InfoSMS', body: 'Hello 1' },
				{ destinations: [THIRD], ids: ['order-3'], sender: 'InfoSMS', body: 'Hello 3' },
			],
		});
		expect(output.map((item) => [item.json.accepted, item.pairedItem])).toEqual([
			[true, { item: 0 }],
			[undefined, { item: 1 }],
			[true, { item: 2 }],
		]);
		expectItemTwoFailed(output, 'destinations');
		expect(sandbox.countDeliveries()).toEqual(
			new Map([
				['order-1', 1],
				['order-3', 1],
			]),
		);
	});

	test('without continue-on-fail: the node fails naming item 2, and nothing is sent', async () => {
		await expectStopsBeforeSending(parameters, 'destinations');
	});

	test('in the real engine with On Error → Continue: the run goes on with three items, not the input passed through', async () => {
		const run = await runWorkflow({ node: { parameters, ...CONTINUE }, credentials: credentials(), items, downstream: true });

		expect(run.status).toBe('success');
		expect(run.nodeError).toBeUndefined();
		expect(run.output?.map((item) => item.json.accepted ?? item.json.error)).toEqual([true, `Item 2: destinations: ${THROWN}`, true]);
		expect(sandbox.countDeliveries()).toEqual(
			new Map([
				['order-1', 1],
				['order-3', 1],
			]),
		);
	});
});

describe('Send (Qlara): an expression that throws for one item', () => {
	const parameters: INodeParameters = {
		resource: 'sms',
		operation: 'send',
		destination: PHONE,
		sender: 'MyShop',
		body: '={{ $json.text }}',
		options: { messageId: '={{ "order-" + $json.text.slice(-1) }}' },
	};

	test('continue-on-fail: item 2 is an error item, items 1 and 3 are sent, once each', async () => {
		const output = (await bare(parameters, CONTINUE, 'qlara'))?.[0] ?? [];

		const bodies = sandbox.requestsTo('/api/message-server/sms/send', 'POST').map((r) => r.body);
		expect(bodies).toEqual([
			{ destination: FIRST, sender: 'MyShop', body: 'Hello 1', messageId: 'order-1' },
			{ destination: THIRD, sender: 'MyShop', body: 'Hello 3', messageId: 'order-3' },
		]);
		expect(output.map((item) => [item.json.accepted, item.pairedItem])).toEqual([
			[true, { item: 0 }],
			[undefined, { item: 1 }],
			[true, { item: 2 }],
		]);
		expectItemTwoFailed(output, 'destination');
	});

	test('without continue-on-fail: the node fails naming item 2, and nothing is sent', async () => {
		await expectStopsBeforeSending(parameters, 'destination', 'qlara');
	});
});

describe('read operations: an expression that throws for one item', () => {
	test('Number Portability: item 2 is an error item, items 1 and 3 are looked up', async () => {
		const parameters = { resource: 'lookup', operation: 'numberPortability', phoneNumber: PHONE };
		const output = (await bare(parameters, CONTINUE))?.[0] ?? [];

		expect(sandbox.requestsTo('/services/mnp/number-lookup', 'GET').map((r) => r.query.msisdn)).toEqual([FIRST, THIRD]);
		expect(output.map((item) => [item.json.number, item.pairedItem])).toEqual([
			[FIRST, { item: 0 }],
			[undefined, { item: 1 }],
			[THIRD, { item: 2 }],
		]);
		expectItemTwoFailed(output, 'phoneNumber');
		await expectStopsBeforeSending(parameters, 'phoneNumber');
	});

	test('Get Status: item 2 is an error item, the ids of items 1 and 3 are looked up', async () => {
		sandbox.setStatus('id-1', 'DELIVERED');
		sandbox.setStatus('id-3', 'DELIVERED');
		const parameters = { resource: 'message', operation: 'getStatus', messageIds: '={{ ($json.contact ? $json.contact.phone : $("Lookup").item.json.phone) && "id-" + $json.text.slice(-1) }}' };
		const output = (await bare(parameters, CONTINUE, 'qlara'))?.[0] ?? [];

		expect(sandbox.requestsTo('/api/partner-gateway/v1/messages/status', 'GET').map((r) => r.query.ids)).toEqual(['id-1,id-3']);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expectItemTwoFailed(output, 'messageIds');
		await expectStopsBeforeSending(parameters, 'messageIds', 'qlara');
	});

	test('Get Credit: a Fail Below that throws for item 2 fails item 2 only', async () => {
		const parameters = { resource: 'account', operation: 'getCredit', source: 'legacy', options: { failBelow: '={{ ($json.contact ? $json.contact.phone : $("Lookup").item.json.phone).length }}' } };
		const output = (await bare(parameters, CONTINUE))?.[0] ?? [];

		expect(sandbox.requestsTo('/services/sms/credit', 'GET')).toHaveLength(1);
		expect(output.map((item) => [item.json.credit, item.pairedItem])).toEqual([
			[1000, { item: 0 }],
			[undefined, { item: 1 }],
			[1000, { item: 2 }],
		]);
		expectItemTwoFailed(output, 'options');
		await expectStopsBeforeSending(parameters, 'options');
	});
});

describe('preparationError: what a throw becomes', () => {
	const node: INode = {
		id: 'n',
		name: 'Agile Telecom',
		type: 'n8n-nodes-agiletelecom.agileTelecom',
		typeVersion: 1,
		position: [0, 0],
		parameters: { destinations: PHONE },
	};

	test("an ExpressionError keeps n8n's message and description, and names its parameter", () => {
		const thrown = new ExpressionError('Paired item data for item from node "Lookup" is unavailable', {
			description: 'Ensure the "Lookup" node returns paired items.',
			parameter: 'destinations',
		});
		const error = preparationError(node, thrown, 1);
		expect(error.message).toBe('Item 2: destinations: Paired item data for item from node "Lookup" is unavailable');
		expect(error.description).toBe('Ensure the "Lookup" node returns paired items. Fix the expression in "destinations" for item 2; nothing was sent for this item.');
	});

	test("a paired-item error says what n8n's editor would show beside \"Invalid expression\": the reason and the node", () => {
		const thrown = new ExpressionError('Invalid expression', {
			messageTemplate: 'No path back to referenced node',
			nodeCause: 'Lookup',
			causeDetailed: "Missing pairedItem data (node 'Lookup' probably didn't supply it)",
			parameter: 'destinations',
		});
		const error = preparationError(node, thrown, 1);
		expect(error.message).toBe('Item 2: destinations: Invalid expression: No path back to referenced node (node "Lookup")');
		expect(error.description).toBe(
			"Missing pairedItem data (node 'Lookup' probably didn't supply it) Fix the expression in \"destinations\" for item 2; nothing was sent for this item.",
		);
	});

	test('anything else names the item; our own errors stay as they are, with the item set', () => {
		const error = preparationError(node, new Error('boom'), 0);
		expect([error.message, error.description]).toEqual(['Item 1: boom', 'Item 1 could not be read; nothing was sent for this item.']);
		const own = new NodeOperationError(node, 'Item 3: Sender: is empty');
		expect(preparationError(node, own, 2)).toBe(own);
		expect(own.context.itemIndex).toBe(2);
	});
});

describe('a per-item Retry setting that throws', () => {
	test('Number Portability reads it while preparing: item 2 fails, items 1 and 3 are looked up', async () => {
		const parameters = {
			resource: 'lookup',
			operation: 'numberPortability',
			phoneNumber: '={{ $json.contact ? $json.contact.phone : "+393351000002" }}',
			retry: { maxRetries: '={{ $json.contact ? 1 : $("Lookup").item.json.tries }}' },
		};
		const output = (await bare(parameters, CONTINUE))?.[0] ?? [];

		expect(sandbox.requestsTo('/services/mnp/number-lookup', 'GET').map((r) => r.query.msisdn)).toEqual([FIRST, THIRD]);
		expectItemTwoFailed(output, 'retry');
	});
});
