import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { getConnection, agileRequest } from '../../../../nodes/AgileTelecom/transport/request';
import { DEFAULT_RETRY } from '../../../../nodes/AgileTelecom/transport/retry';
import { sandboxCredentials } from '../../../harness';
import { startSandbox } from '../../../sandbox/server';
import { countingCredential, inContext } from './probe';

/**
 * n8n 1.x (n8n-workflow 1.120) hands nodes errors without `cause`: a class field of its ExecutionBaseError
 * overwrites the one `Error` sets. Measured in n8n 1.123.81: a refused connection reached the node as a
 * NodeApiError with `httpCode: 'ECONNREFUSED'` and nothing else to read the code from. This runs n8n-core's real
 * request against a closed port and strips `cause` the way 1.x does, so `npm test` keeps the node right for both.
 */
function asInN8n1(ctx: IExecuteFunctions): void {
	const real = ctx.helpers.httpRequestWithAuthentication;
	ctx.helpers.httpRequestWithAuthentication = async function (this: IExecuteFunctions, ...args) {
		try {
			return await real.apply(this, args);
		} catch (error) {
			Object.defineProperty(error, 'cause', { value: undefined });
			// n8n-core threw a NodeApiError already: wrapping it returns that very instance.
			throw new NodeApiError(ctx.getNode(), error as JsonObject);
		}
	} as typeof real;
}

it('a refused connection without `cause` is still known as never opened: a send is retried, then said unsent', async () => {
	const closed = await startSandbox();
	const url = closed.url;
	await closed.close();
	const counter = countingCredential();

	const error = await inContext({ credentials: sandboxCredentials(url), credentialType: counter.type }, async (ctx) => {
		asInN8n1(ctx);
		return await agileRequest(ctx, await getConnection(ctx), {
			method: 'POST',
			url: `${url}/services/sms/send`,
			body: { messages: [{ destinations: ['+393351234567'], sender: 'InfoSMS', body: 'hi' }] },
			kind: 'send',
			retry: { ...DEFAULT_RETRY, maxRetries: 1, initialDelay: 1, maxDelay: 5 },
		}).then(
			() => undefined,
			(e: unknown) => e,
		);
	});

	expect(error).toBeInstanceOf(NodeApiError);
	expect((error as NodeApiError).cause).toBeUndefined();
	expect(counter.calls()).toBe(2);
	expect((error as NodeApiError).httpCode).toBe('ECONNREFUSED');
	expect((error as NodeApiError).message).toMatch(/^Could not reach Agile Telecom \(ECONNREFUSED\)\. Gave up after 2 attempts/);
	expect((error as NodeApiError).description).toMatch(/^The connection was never opened, so nothing was sent/);
});
