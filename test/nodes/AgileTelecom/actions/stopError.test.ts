/**
 * The router's stop error (issue 18 item 7): a new error of the same kind as the one that stopped the node, keeping
 * its provider text, HTTP code and context, and adding the record of what was already sent. The error it was built
 * from is left as it was, so a later try that replays it (n8n's Retry On Fail, through the run's ledger) tells the
 * record once. Send Batch in n8n-core's engine, through real HTTP to the sandbox.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { BatchRequestBody } from '../../../../nodes/AgileTelecom/helpers/batch';
import { executeBare, runWorkflow, sandboxCredentials, type HarnessNodeOptions } from '../../../harness';
import { useSandbox } from '../../../sandbox/lifecycle';
import { sendBatchParameters } from './sms/sendBatchParameters';

const SEND_PATH = '/services/sms/send';
const [FIRST, BLACKLISTED] = ['+393351000001', '+393350000403'];
const RECORD = 'The error details list the ID of every SMS already sent (acceptedItems).';

const sandbox = useSandbox();
afterEach(() => {
	sandbox.configure({ rejections: {} });
});

const node = (options: Partial<HarnessNodeOptions> = {}): HarnessNodeOptions => ({
	parameters: sendBatchParameters({ batching: { messagesPerRequest: 1, concurrency: 1 } }),
	...options,
});
const credentials = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url) });
const items = [
	{ to: FIRST, text: 'Your order shipped' },
	{ to: BLACKLISTED, text: 'Your order shipped' },
];

describe('the stop error carries the record of what was sent', () => {
	test('a refusal: the same kind of error, its provider text and HTTP code kept, the accepted item listed', async () => {
		sandbox.setRejections({ [BLACKLISTED]: 403 });
		const failure = executeBare({ node: node(), credentials: credentials(), items });

		await expect(failure).rejects.toBeInstanceOf(NodeApiError);
		const error = (await failure.catch((e: unknown) => e)) as NodeApiError;
		const [accepted] = sandbox.requestsTo(SEND_PATH, 'POST').map((r) => r.body as BatchRequestBody);
		expect(error.message).toBe(
			`Item 2: Agile Telecom did not accept the SMS to ${BLACKLISTED}: destination blacklisted or opted out (status 403). Before the node stopped, 1 of 2 items were accepted (item 1): do not send them again`,
		);
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/^\S.* The error details list the ID of every SMS already sent \(acceptedItems\)\.$/);
		expect(error.context.itemIndex).toBe(1);
		expect(error.context.acceptedItems).toEqual([
			{ item: 1, messages: [{ destination: FIRST, id: accepted.messages[0].ids[0], globalId: accepted.globalId }] },
		]);
		// The refused item's own results stay in the context the error was built from.
		expect((error.context.details as IDataObject).results).toEqual([
			expect.objectContaining({ destination: BLACKLISTED, accepted: false, statusCode: 403 }),
		]);
	});

	test('an error replayed by later tries of the run tells the record once', async () => {
		// The platform accepts the SMS, then answers 500: the outcome is unknown, on record, never sent again.
		sandbox.injectFaults([{ method: 'POST', path: SEND_PATH, status: 500, accept: true, body: { status: 'error', message: 'Server error', code: 8 } }]);
		const run = await runWorkflow({
			node: node({ retryOnFail: true, maxTries: 3, waitBetweenTries: 10 }),
			credentials: credentials(),
			items: [items[0]],
		});

		expect(run.status).toBe('error');
		const [sent, ...more] = sandbox.requestsTo(SEND_PATH, 'POST').map((r) => r.body as BatchRequestBody);
		expect(more).toHaveLength(0);
		const message = run.error?.message ?? '';
		expect(message.split('Before the node stopped')).toHaveLength(2);
		expect(message).toMatch(/Before the node stopped, 1 may have been \(unknown outcome\) \(item 1\): do not send them again$/);
		expect(run.error?.description?.split(RECORD.slice(0, 40))).toHaveLength(2);
		expect((run.error as unknown as { httpCode: string }).httpCode).toBe('500');
		expect((run.error as unknown as { context: IDataObject }).context.unknownItems).toEqual([
			{ item: 1, messages: [{ destination: FIRST, id: sent.messages[0].ids[0] }] },
		]);
	});
});
