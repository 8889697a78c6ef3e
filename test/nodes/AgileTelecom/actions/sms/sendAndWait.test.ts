import type { IDataObject, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION, WAIT_INDEFINITELY } from 'n8n-workflow';

import { AgileTelecom } from '../../../../../nodes/AgileTelecom/AgileTelecom.node';
import { runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';

const QLARA_SEND = '/api/message-server/sms/send';
const BATCH_SEND = '/services/sms/send';
/** What the harness's n8n-core signs: its webhookWaitingBaseUrl, the execution and the node id (test/harness). */
const LINK = /^http:\/\/localhost:5678\/webhook-waiting\/test-execution-\d+\/agile-telecom-node\?signature=[0-9a-f]{64}$/;

const sandbox = useSandbox();
afterEach(() => sandbox.configure({ rejections: {} }));

const qlara = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });
const wholesale = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'agile' }) });

function node(extra: INodeParameters = {}, over: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions {
	return {
		parameters: {
			resource: 'sms',
			operation: 'sendAndWait',
			destination: '={{ $json.phone }}',
			sender: 'MyShop',
			message: 'Approve order {{ $json.order }}?',
			responseType: 'approval',
			...extra,
		},
		typeVersion: 1.1,
		...over,
	};
}

const sends = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/sms/send'));

describe('Send and Wait for Response: the SMS', () => {
	it('Qlara account: one Qlara single send whose body is the message, a new line and the signed link; the execution waits', async () => {
		const before = Date.now();
		const run = await runWorkflow({ node: node({ message: '=Approve order {{ $json.order }}?' }), credentials: qlara(), items: [{ phone: '+393351234567', order: 42 }] });

		expect(run.status).toBe('waiting');
		expect(run.run.waitTill).toEqual(WAIT_INDEFINITELY);
		expect(sends()).toHaveLength(1);
		const [request] = sends();
		expect(request.path).toBe(QLARA_SEND);
		expect(request.headers['x-api-key']).toBe('test-api-key');
		const body = request.body as IDataObject;
		const [text, link, ...rest] = String(body.body).split('\n');
		expect(rest).toEqual([]);
		expect(text).toBe('Approve order 42?');
		expect(link).toMatch(LINK);
		expect(body).toEqual({ destination: '+393351234567', sender: 'MyShop', body: `Approve order 42?\n${link}`, messageId: body.messageId });
		// While it waits the node shows what was sent (n8n replaces it with the answer when the execution resumes).
		expect(run.output?.map((i) => i.json)).toEqual([
			expect.objectContaining({ messageId: body.messageId, destination: '+393351234567', accepted: true, encoding: 'GSM-7', parts: 2 }),
		]);
		expect(Date.now() - before).toBeLessThan(10_000);
	});

	it('wholesale account: one Send Batch request with one message', async () => {
		const run = await runWorkflow({ node: node({ message: 'Confirm?' }), credentials: wholesale(), items: [{ phone: '+393351234567' }] });

		expect(run.status).toBe('waiting');
		const [request] = sends();
		expect(sends()).toHaveLength(1);
		expect(request.path).toBe(BATCH_SEND);
		const body = request.body as { globalId: string; messages: IDataObject[] };
		expect(Object.keys(body).sort()).toEqual(['globalId', 'messages']);
		const [message] = body.messages;
		expect(body.messages).toHaveLength(1);
		expect(String(message.body)).toMatch(/^Confirm\?\nhttp:\/\/localhost:5678\/webhook-waiting\//);
		expect(String(message.body).split('\n')[1]).toMatch(LINK);
		expect(message).toEqual({ destinations: ['+393351234567'], ids: message.ids, sender: 'MyShop', body: message.body });
		expect(message.ids).toHaveLength(1);
	});

	it('sends one SMS only, for the first item, as n8n\'s own send-and-wait nodes do', async () => {
		const run = await runWorkflow({ node: node(), credentials: qlara(), items: [{ phone: '+393351234567' }, { phone: '+393351234568' }] });
		expect(run.status).toBe('waiting');
		expect(sends().map((r) => (r.body as IDataObject).destination)).toEqual(['+393351234567']);
	});

	it('Limit Wait Time after an interval: the execution waits until then', async () => {
		const before = Date.now();
		const limitWaitTime = { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } };
		const run = await runWorkflow({ node: node({ options: { limitWaitTime } }), credentials: qlara(), items: [{ phone: '+393351234567' }] });
		const waitTill = run.run.waitTill?.getTime() ?? 0;
		expect(waitTill).toBeGreaterThanOrEqual(before + 45 * 60_000);
		expect(waitTill).toBeLessThanOrEqual(Date.now() + 45 * 60_000);
	});

	it('Limit Wait Time at a specified time', async () => {
		const limitWaitTime = { values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2030-01-02T03:04:05.000Z' } };
		const run = await runWorkflow({ node: node({ options: { limitWaitTime } }), credentials: qlara(), items: [{ phone: '+393351234567' }] });
		expect(run.run.waitTill?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
	});
});

describe('Send and Wait for Response: refused before anything is sent', () => {
	it.each<[string, INodeParameters, string]>([
		['an empty message', { message: '  ' }, 'Item 1: Message: is empty'],
		['a bad Limit Wait Time', { options: { limitWaitTime: { values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' } } } }, 'Could not configure Limit Wait Time'],
		['two numbers', { destination: '+393351234567, +393351234568' }, 'Item 1: Destination: one number only: the link in the SMS answers for one person'],
		['a message too long with its link', { message: 'x'.repeat(100), hygiene: { maxParts: 1 } }, 'Item 1: Message (with the response link): needs 2 SMS parts (GSM-7), more than Max Parts (1)'],
	])('%s', async (_what, extra, message) => {
		const run = await runWorkflow({ node: node(extra), credentials: qlara(), items: [{ phone: '+393351234567' }] });
		expect(run.status).toBe('error');
		expect(run.error?.message.startsWith(message)).toBe(true);
		expect(sends()).toHaveLength(0);
	});

	it('with continue-on-fail an empty message is an error item, and nothing waits', async () => {
		const run = await runWorkflow({ node: node({ message: ' ' }, { onError: 'continueRegularOutput' }), credentials: qlara(), items: [{ phone: '+393351234567' }] });
		expect(run.status).toBe('success');
		expect(run.run.waitTill).toBeUndefined();
		expect(run.output?.map((i) => i.json.error)).toEqual(['Item 1: Message: is empty']);
		expect(sends()).toHaveLength(0);
	});

	it('a wholesale account, whose batch send takes lists, refuses two numbers too', async () => {
		const run = await runWorkflow({ node: node({ destination: '+393351234567\n+393351234568' }), credentials: wholesale(), items: [{}] });
		expect(run.error?.message).toBe('Item 1: Destination: one number only: the link in the SMS answers for one person');
		expect(sends()).toHaveLength(0);
	});

	it('a wholesale account names the same fields (not Send Batch\'s Destinations and Body)', async () => {
		const run = await runWorkflow({ node: node({ message: 'x'.repeat(100), hygiene: { maxParts: 1 } }), credentials: wholesale(), items: [{ phone: '+393351234567' }] });
		expect(run.error?.message).toMatch(/^Item 1: Message \(with the response link\): needs 2 SMS parts/);
		expect(run.error?.description).toContain('"Message (with the response link)" field');
		expect(sends()).toHaveLength(0);
	});
});

describe('Send and Wait for Response: a refused SMS does not wait', () => {
	it('the provider\'s refusal fails the node, and nothing waits for an answer that cannot come', async () => {
		sandbox.setRejections({ '+393351234567': 402 });
		const run = await runWorkflow({ node: node(), credentials: qlara(), items: [{ phone: '+393351234567' }] });
		expect(run.status).toBe('error');
		expect(run.run.waitTill).toBeUndefined();
		expect(sends()).toHaveLength(1);
	});

	it('with continue-on-fail the error item goes on, without waiting', async () => {
		sandbox.setRejections({ '+393351234567': 402 });
		const run = await runWorkflow({ node: node({}, { onError: 'continueRegularOutput' }), credentials: qlara(), items: [{ phone: '+393351234567' }] });
		expect(run.status).toBe('success');
		expect(run.run.waitTill).toBeUndefined();
		expect(run.output).toHaveLength(1);
		expect(Object.keys(run.output?.[0].json ?? {})).toEqual(['error', 'details']);
	});
});

/**
 * n8n 2.41 turns every node that passes these checks into a "<name>HitlTool" for AI agents
 * (n8n/dist/tool-generation/hitl-tools.js): webhooks, an `operation` option `sendAndWait` whose property is shown
 * for a resource, and the parameter names it rewrites (`message`, `responseType`, `approvalOptions`).
 */
describe('Send and Wait for Response: the description n8n and its HITL tool generation read', () => {
	const { description } = new AgileTelecom();
	const shownFor = (p: INodeProperties) => p.displayOptions?.show;
	const own = description.properties.filter((p) => (shownFor(p)?.operation as string[] | undefined)?.includes(SEND_AND_WAIT_OPERATION));

	it('declares n8n\'s waiting webhooks: GET and POST on the node id, restart webhooks only', () => {
		expect(description.webhooks).toEqual(
			['GET', 'POST'].map((httpMethod) => ({ name: 'default', httpMethod, responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true })),
		);
	});

	it('offers the sendAndWait operation on the sms resource, with an action', () => {
		const operations = description.properties.filter((p) => p.name === 'operation');
		const sms = operations.find((p) => (p.options as INodePropertyOptions[]).some((o) => o.value === SEND_AND_WAIT_OPERATION));
		expect(shownFor(sms as INodeProperties)?.resource).toEqual(['sms']);
		expect((sms?.options as INodePropertyOptions[]).find((o) => o.value === SEND_AND_WAIT_OPERATION)).toMatchObject({
			name: 'Send and Wait for Response',
			action: 'Send an SMS and wait for response',
		});
	});

	it('uses n8n\'s parameter names, types and defaults', () => {
		expect(own.map((p) => `${p.name}:${p.type}`)).toEqual([
			'destination:string',
			'sender:string',
			'message:string',
			'responseType:options',
			'approvalOptions:fixedCollection',
			'options:collection',
			'options:collection',
			'hygiene:collection',
			'hygiene:collection',
		]);
		const responseType = own.find((p) => p.name === 'responseType') as INodeProperties;
		expect(responseType.default).toBe('approval');
		expect((responseType.options as INodePropertyOptions[]).map((o) => o.value)).toEqual(['approval', 'freeText']);
		const approval = own.find((p) => p.name === 'approvalOptions') as INodeProperties;
		const values = (approval.options as Array<{ values: INodeProperties[] }>)[0].values;
		expect(values.map((v) => [v.name, v.default])).toEqual([
			['approvalType', 'single'],
			['approveLabel', 'Approve'],
			['disapproveLabel', 'Decline'],
		]);
		for (const options of own.filter((p) => p.name === 'options')) {
			const limit = (options.options as INodeProperties[]).find((o) => o.name === 'limitWaitTime');
			expect(limit?.default).toEqual({ values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } });
		}
	});

	it('no other property is named message, responseType or approvalOptions (the HITL tool replaces or hides them all)', () => {
		for (const name of ['message', 'responseType', 'approvalOptions']) {
			expect(description.properties.filter((p) => p.name === name)).toEqual(own.filter((p) => p.name === name));
		}
	});
});
