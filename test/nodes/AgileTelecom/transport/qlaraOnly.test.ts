import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { qlaraAccount, resolveEndpoints } from '../../../../nodes/AgileTelecom/transport/endpoints';
import { CREDENTIAL_TYPE, executeBare, runWorkflow, sandboxCredentials } from '../../../harness';
import { useSandbox } from '../../../sandbox/lifecycle';
import { createTriggerWorkflow } from '../../AgileTelecomTrigger/trigger-harness';

/**
 * Send (Qlara), Get Status and the trigger's webhook registration exist only on Qlara. With the credential of
 * another platform they must stop before any request, saying why and what to change, instead of sending a
 * wholesale key to lora-api.agiletelecom.com and reporting the 401 as a wrong key.
 */
const sandbox = useSandbox();

const ADVICE =
	'Send (Qlara), Get Status and the automatic webhook registration exist only on Qlara (lora-api.agiletelecom.com). Nothing was sent. If the account is a Qlara account, edit the credential: set Platform to Qlara (or, for a Custom URL in front of a Qlara account, set API Format to Qlara). Wholesale and legacy accounts send with SMS → Send Batch (Wholesale) and receive delivery reports when the trigger\'s URL is pasted in the portal.';

/** A credential of each non-Qlara kind. The real hosts are never reached: the check runs before any request. */
const NOT_QLARA: Array<[string, () => ICredentialDataDecryptedObject]> = [
	['the Wholesale (wholesale.agiletelecom.com) platform', () => ({ ...sandboxCredentials(sandbox.url), platform: 'wholesale' })],
	['the Legacy (secure.agiletelecom.com) platform', () => ({ ...sandboxCredentials(sandbox.url), platform: 'secure' })],
	[
		'the Legacy, New Customers (http-api.agiletelecom.com) platform',
		() => ({ ...sandboxCredentials(sandbox.url), platform: 'httpApi' }),
	],
	['Custom URL with API Format "Agile Telecom REST"', () => sandboxCredentials(sandbox.url, { customApiFormat: 'agile' })],
];

// Retries off: were the check missing, an unreachable real host would otherwise be retried with back-off.
const NO_RETRY = { retry: { maxRetries: 0 } };

const GET_STATUS: INodeParameters = { resource: 'message', operation: 'getStatus', messageIds: 'order-1, order-2', ...NO_RETRY };
const SEND: INodeParameters = {
	resource: 'sms',
	operation: 'send',
	destination: '+393351234567',
	sender: 'InfoSMS',
	body: 'Qlara only',
	...NO_RETRY,
};

describe('which credentials count as Qlara', () => {
	it.each([
		['wholesale', {}, false],
		['secure', {}, false],
		['httpApi', {}, false],
		['qlara', {}, true],
		['custom', { baseUrl: 'https://proxy.example.com', customApiFormat: 'agile' }, false],
		['custom', { baseUrl: 'https://proxy.example.com', customApiFormat: 'qlara' }, true],
		// What an export without the field holds: the credential's default format.
		['custom', { baseUrl: 'https://proxy.example.com' }, false],
	])('%s %j → %s', (platform, extra, expected) => {
		expect(qlaraAccount(resolveEndpoints({ platform, ...extra }))).toBe(expected);
	});
});

describe('Message → Get Status', () => {
	it.each(NOT_QLARA)('refused before any request with a credential set to %s', async (configured, credentials) => {
		const result = await runWorkflow({ node: { parameters: GET_STATUS }, credentials: { [CREDENTIAL_TYPE]: credentials() } });

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: `Get Status needs a Qlara account, but the Agile Telecom API credential is set to ${configured}`,
			description: ADVICE,
		});
		expect(result.authenticateCalls).toBe(0);
		expect(sandbox.requests).toEqual([]);
	});

	it('refused even with continue-on-fail: a misconfigured credential is not an item error', async () => {
		const run = executeBare({
			node: { parameters: GET_STATUS, onError: 'continueRegularOutput' },
			credentials: { [CREDENTIAL_TYPE]: NOT_QLARA[0][1]() },
			items: [{ n: 1 }, { n: 2 }],
		});
		await expect(run).rejects.toBeInstanceOf(NodeOperationError);
		expect(sandbox.requests).toEqual([]);
	});

	it('a custom URL with API Format Qlara is a Qlara account: the lookup goes out', async () => {
		sandbox.setStatus('order-1', 'DELIVERED');
		const result = await runWorkflow({
			node: { parameters: { ...GET_STATUS, messageIds: 'order-1' } },
			credentials: { [CREDENTIAL_TYPE]: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) },
		});

		expect(result.status).toBe('success');
		expect(sandbox.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/api/partner-gateway/v1/messages/status/order-1', { channel: 'SMS' }],
		]);
	});
});

describe('Agile Telecom Trigger → Register Webhook Automatically', () => {
	it.each(NOT_QLARA)('activation is refused before any request with a credential set to %s', async (configured, credentials) => {
		const trigger = createTriggerWorkflow({ parameters: { registerWebhook: true, authentication: 'none' }, credentials: credentials() });

		const activation = trigger.activate();
		await expect(activation).rejects.toBeInstanceOf(NodeOperationError);
		await expect(activation).rejects.toMatchObject({
			message: `Register Webhook Automatically (Qlara) needs a Qlara account, but the Agile Telecom API credential is set to ${configured}`,
			description: ADVICE,
		});
		await expect(trigger.runHook('delete')).rejects.toBeInstanceOf(NodeOperationError);
		expect(sandbox.requests).toEqual([]);
	});

	it('without automatic registration any credential is fine: nothing is called', async () => {
		const trigger = createTriggerWorkflow({ parameters: { registerWebhook: false, authentication: 'none' }, credentials: NOT_QLARA[0][1]() });
		await trigger.activate();
		await trigger.deactivate();
		expect(sandbox.requests).toEqual([]);
	});
});

describe('SMS → Send (Qlara)', () => {
	it('refused before any request with a wholesale-format custom credential', async () => {
		const result = await runWorkflow({
			node: { parameters: SEND },
			credentials: { [CREDENTIAL_TYPE]: sandboxCredentials(sandbox.url, { customApiFormat: 'agile' }) },
		});

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message:
				'Send (Qlara) needs a Qlara account, but the Agile Telecom API credential is set to Custom URL with API Format "Agile Telecom REST"',
			description: ADVICE,
		});
		expect(sandbox.requests).toEqual([]);
	});
});
