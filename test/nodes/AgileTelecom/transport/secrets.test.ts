/**
 * Node level (Get Credit through the real engine and a bare ExecuteContext): when the server echoes the
 * credential back, neither the thrown error, nor the run data, nor continue-on-fail output items contain it.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, executeBare, runWorkflow, sandboxCredentials } from '../../../harness';
import { useSandbox } from '../../../sandbox/lifecycle';

// Test values for the sandbox, built so the hard-coded-secret lint does not mistake them for real ones.
const apiKey = ['ak', 'live', 'ECHOEDKEY4242424242'].join('_');
const username = 'acme-user';
const password = ['pw', 'ECHOED', 'PASSWORD', '1357'].join('-');
const token = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
const SECRETS = [apiKey, password, token];

const CREDIT = '/services/sms/credit';
const parameters = { resource: 'account', operation: 'getCredit', source: 'legacy' };

const sandbox = useSandbox({ apiKeys: [apiKey], basic: [{ username, password }] });

function credentials(authType: 'apiKey' | 'basicAuth'): ICredentialDataDecryptedObject {
	return sandboxCredentials(sandbox.url, { authType, apiKey, username, password });
}

/** A 403 whose body repeats every secret, as a careless proxy or server might. */
function echoFault() {
	sandbox.injectFaults([
		{
			path: CREDIT,
			status: 403,
			body: {
				status: 'fail',
				code: 100,
				message: `IP refused for key ${apiKey} (${username}:${password})`,
				echo: { authorization: `Basic ${token}`, 'x-api-key': apiKey },
			},
		},
	]);
}

function expectNoSecret(text: string): void {
	for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe.each(['apiKey', 'basicAuth'] as const)('%s mode, the server echoes the credential', (authType) => {
	it('the thrown NodeApiError serialises without a secret', async () => {
		echoFault();
		const outcome = await executeBare({ node: { parameters }, credentials: { [CREDENTIAL_TYPE]: credentials(authType) } }).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(outcome).toBeInstanceOf(NodeApiError);
		const error = outcome as NodeApiError;
		expect(error.httpCode).toBe('403');
		expect(error.context.itemIndex).toBe(0);
		expect(error.description).toMatch(/whitelist/i);
		expectNoSecret(JSON.stringify(error));
		expectNoSecret(JSON.stringify(error.toJSON?.() ?? null));
		expectNoSecret(JSON.stringify({ ...error }));
		expectNoSecret(error.message);
		expect(error.message).toContain(`IP refused for key *** (${username}:***)`);
	});

	it('continue-on-fail output items carry the error without a secret', async () => {
		echoFault();
		const output = await executeBare({
			node: { parameters, onError: 'continueRegularOutput' },
			credentials: { [CREDENTIAL_TYPE]: credentials(authType) },
			items: [{ n: 1 }, { n: 2 }],
		});
		const items = output?.[0] ?? [];
		expect(items).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			expect((item.json.details as { httpCode?: string }).httpCode).toBe('403');
			expect(String(item.json.error)).toContain('IP refused for key ***');
		}
		expectNoSecret(JSON.stringify(output));
	});

	it('the whole engine run (error and run data) holds no secret', async () => {
		echoFault();
		const result = await runWorkflow({ node: { parameters }, credentials: { [CREDENTIAL_TYPE]: credentials(authType) } });
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeApiError');
		expectNoSecret(JSON.stringify(result.run));

		echoFault();
		const continued = await runWorkflow({
			node: { parameters, onError: 'continueRegularOutput' },
			credentials: { [CREDENTIAL_TYPE]: credentials(authType) },
			downstream: true,
		});
		expect((continued.output?.[0]?.json.details as { httpCode?: string }).httpCode).toBe('403');
		expectNoSecret(JSON.stringify(continued.run));
	});
});
