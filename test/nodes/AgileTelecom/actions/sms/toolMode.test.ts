/**
 * Never twice as an AI Agent tool (issue 18). The node runs through n8n-core's own `makeHandleToolInvocation`, the
 * loop an agent calls a tool through: with the tool's Retry On Fail every try gets a new run index, and an agent
 * whose call failed usually calls again with the same arguments. Through real HTTP to the sandbox, which counts
 * deliveries per destination and text.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { BatchRequestBody } from '../../../../../nodes/AgileTelecom/helpers/batch';
import { sandboxCredentials, toolExecution, toolInvoker, type ToolOptions } from '../../../../harness';
import { deliveredTo as countDeliveries, useSandbox } from '../../../../sandbox/lifecycle';

const BATCH_PATH = '/services/sms/send';
const QLARA_PATH = '/api/message-server/sms/send';
const BLACKLISTED = '+393350000403';
const [FIRST, SECOND] = ['+393351000001', '+393351000002'];

const sandbox = useSandbox();
afterEach(() => sandbox.configure({ rejections: {} }));

const credentials = (format: 'agile' | 'qlara') => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: format }) });

function batchTool(over: Partial<ToolOptions> = {}, parameters: INodeParameters = {}): ToolOptions {
	return {
		node: {
			parameters: {
				resource: 'sms',
				operation: 'sendBatch',
				destinations: "={{ $fromAI('to', 'Phone numbers, comma-separated') }}",
				sender: 'InfoSMS',
				body: "={{ $fromAI('text', 'The SMS text') }}",
				...parameters,
			},
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 10,
		},
		credentials: credentials('agile'),
		...over,
	};
}

function qlaraTool(over: Partial<ToolOptions> = {}): ToolOptions {
	return {
		node: {
			parameters: {
				resource: 'sms',
				operation: 'send',
				destination: "={{ $fromAI('to', 'Phone number') }}",
				sender: 'MyShop',
				body: "={{ $fromAI('text', 'The SMS text') }}",
				retry: { retryOnServerErrors: false },
			},
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 10,
		},
		credentials: credentials('qlara'),
		...over,
	};
}

const deliveredTo = () => countDeliveries(sandbox);

/** The tool call's answer (what the agent reads), or the error it gets. */
async function call(invoke: (args: IDataObject) => Promise<string>, args: IDataObject): Promise<{ answer?: unknown; error?: Error }> {
	try {
		return { answer: JSON.parse(await invoke(args)) as unknown };
	} catch (error) {
		return { error: error as Error };
	}
}

describe('as an AI Agent tool with Retry On Fail (3 tries), each accepted destination is delivered once', () => {
	test('Send Batch, one of two numbers refused: the accepted one is sent once, the refused one tried each time', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const invoke = toolInvoker(batchTool());
		const { error } = await call(invoke, { to: `${FIRST}, ${BLACKLISTED}`, text: 'Your table is ready' });

		expect(error?.message).toContain(`did not accept the SMS to ${BLACKLISTED}: destination blacklisted or opted out (status 403)`);
		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
		const bodies = sandbox.requestsTo(BATCH_PATH, 'POST').map((r) => r.body as BatchRequestBody);
		// Try 1 sends both; tries 2 and 3 send only the refused number, with the id try 1 gave it.
		expect(bodies.map((b) => b.messages.map((m) => m.destinations))).toEqual([[[FIRST, BLACKLISTED]], [[BLACKLISTED]], [[BLACKLISTED]]]);
		const refusedId = bodies[0].messages[0].ids?.[1];
		expect(bodies[1].messages[0].ids).toEqual([refusedId]);
		// The same request again is sent as it was (the stable globalId and ids Agile Telecom advises for a retry);
		// a request of other content is a submission of its own.
		expect(bodies[2]).toEqual(bodies[1]);
		expect(bodies[1].globalId).not.toBe(bodies[0].globalId);
	});

	test('Send (Qlara) whose first answer is a 500 after the server accepted: sent once; the retry tells the agent not to resend', async () => {
		sandbox.injectFaults([{ method: 'POST', path: QLARA_PATH, status: 500, accept: true, body: { message: 'Internal error' }, times: 1 }]);
		const execution = toolExecution();
		const invoke = toolInvoker(qlaraTool({ execution }));
		const { answer, error } = await call(invoke, { to: FIRST, text: 'Your code is 4821' });

		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
		expect(sandbox.requestsTo(QLARA_PATH, 'POST')).toHaveLength(1);
		const id = (sandbox.requestsTo(QLARA_PATH, 'POST')[0].body as IDataObject).messageId;
		// Try 1 failed with the 500 (its error is on record for the agent's run); try 2 sent nothing and answers.
		expect(execution.taskData()[0].error?.message).toContain('may have been (unknown outcome)');
		expect(error).toBeUndefined();
		expect(answer).toEqual([
			{
				summary: `Already attempted in this execution for ${FIRST} (message id ${String(id)}), with an unknown outcome: it may have been delivered; nothing was sent again; do not send it again.`,
				sent: [],
				alreadySent: [{ to: FIRST, id, outcome: 'unknown' }],
			},
		]);
	});
});

describe("the agent's answer: who got what, the ids, what failed and why", () => {
	test('Send Batch with Rejected Destinations as data: one sentence and short lists, not the batch record', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const invoke = toolInvoker(batchTool({}, { rejectedDestinations: 'output' }));
		const { answer } = await call(invoke, { to: `${FIRST}, ${BLACKLISTED}`, text: 'Your table is ready' });

		const ids = (sandbox.requestsTo(BATCH_PATH, 'POST')[0].body as BatchRequestBody).messages[0].ids ?? [];
		expect(answer).toEqual([
			{
				summary: `Sent to ${FIRST} (message id ${ids[0]}). Not sent to ${BLACKLISTED} (destination blacklisted or opted out).`,
				sent: [{ to: FIRST, id: ids[0] }],
				notSent: [{ to: BLACKLISTED, reason: 'destination blacklisted or opted out' }],
			},
		]);
	});

	test('Send (Qlara): the message id the delivery reports will carry', async () => {
		const { answer } = await call(toolInvoker(qlaraTool()), { to: FIRST, text: 'Your code is 4821' });
		const id = (sandbox.requestsTo(QLARA_PATH, 'POST')[0].body as IDataObject).messageId;
		expect(answer).toEqual([{ summary: `Sent to ${FIRST} (message id ${String(id)}).`, sent: [{ to: FIRST, id }] }]);
	});
});

describe('an agent calling the tool again in the same execution', () => {
	test('with the same arguments after a success: nothing is sent, the answer says it was already sent, with the id', async () => {
		const execution = toolExecution();
		const invoke = toolInvoker(batchTool({ execution }));
		const first = await call(invoke, { to: FIRST, text: 'Your table is ready' });
		const again = await call(invoke, { to: FIRST, text: 'Your table is ready' });

		expect(first.error).toBeUndefined();
		expect(deliveredTo()).toEqual({ [FIRST]: 1 });
		expect(sandbox.requestsTo(BATCH_PATH, 'POST')).toHaveLength(1);
		const id = (sandbox.requestsTo(BATCH_PATH, 'POST')[0].body as BatchRequestBody).messages[0].ids?.[0];
		expect(JSON.stringify(again.answer)).toContain('Already sent in this execution');
		expect(JSON.stringify(again.answer)).toContain(id);
	});

	test('asking for part of what an earlier call sent, plus a new number: only the new number is sent', async () => {
		const execution = toolExecution();
		const invoke = toolInvoker(batchTool({ execution }));
		await call(invoke, { to: `${FIRST}, ${SECOND}`, text: 'Doors open at 8' });
		const later = await call(invoke, { to: `${SECOND}, ${BLACKLISTED.replace('403', '404')}`, text: 'Doors open at 8' });

		expect(later.error).toBeUndefined();
		expect(deliveredTo()).toEqual({ [FIRST]: 1, [SECOND]: 1, '+393350000404': 1 });
		const last = sandbox.requestsTo(BATCH_PATH, 'POST').at(-1)?.body as BatchRequestBody;
		expect(last.messages.map((m) => m.destinations)).toEqual([['+393350000404']]);
	});

	test('two different SMS that share a run index and item number are both sent', async () => {
		// Each invoker counts run indexes from its own run data, so both calls are run index 0, item 1, of one
		// execution (the ledger used to replay the first call's outcome for the second).
		const execution = toolExecution();
		const one = toolInvoker(qlaraTool({ execution }));
		const two = toolInvoker(qlaraTool({ execution: toolExecution(execution.executionId) }));
		await call(one, { to: FIRST, text: 'Your code is 1111' });
		await call(two, { to: SECOND, text: 'Your code is 2222' });

		expect(deliveredTo()).toEqual({ [FIRST]: 1, [SECOND]: 1 });
		const ids = sandbox.requestsTo(QLARA_PATH, 'POST').map((r) => (r.body as IDataObject).messageId);
		expect(new Set(ids).size).toBe(2);
	});

	test('the same text to the same number in another execution is a new SMS', async () => {
		await call(toolInvoker(qlaraTool()), { to: FIRST, text: 'Reminder: dentist at 9' });
		await call(toolInvoker(qlaraTool()), { to: FIRST, text: 'Reminder: dentist at 9' });

		sandbox.expectDuplicates([`${FIRST} ← Reminder: dentist at 9`]);
		expect(deliveredTo()).toEqual({ [FIRST]: 2 });
	});
});
