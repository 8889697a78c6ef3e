import type { ICredentialTestFunctions, ICredentialsDecrypted } from 'n8n-workflow';

import { AgileTelecomWebhookApi } from '../../../credentials/AgileTelecomWebhookApi.credentials';
import { AgileTelecomTrigger } from '../../../nodes/AgileTelecomTrigger/AgileTelecomTrigger.node';

const trigger = new AgileTelecomTrigger();
/** What n8n's CredentialsTester runs for a credential without `test`: the node method named by `testedBy`. */
const testedBy = trigger.description.credentials?.find((c) => c.name === 'agileTelecomWebhookApi')?.testedBy as string;
const runTest = async (data: ICredentialsDecrypted['data']) =>
	await trigger.methods.credentialTest[testedBy as 'agileTelecomWebhookTokenTest'].call({} as ICredentialTestFunctions, {
		id: 'c1',
		name: 'webhook',
		type: 'agileTelecomWebhookApi',
		data,
	});

describe('Agile Telecom Webhook credential', () => {
	it('holds one masked, required token field and is tested by the trigger', () => {
		const credential = new AgileTelecomWebhookApi();
		expect(credential.name).toBe('agileTelecomWebhookApi');
		expect(credential.properties).toEqual([
			expect.objectContaining({ name: 'token', type: 'string', typeOptions: { password: true }, required: true, default: '' }),
		]);
		expect('test' in credential).toBe(false);
		expect(testedBy).toBe('agileTelecomWebhookTokenTest');
	});

	it.each([
		[{ token: 'example-a8F3k9Qz2L' }, 'OK', 'The token is usable'],
		[{ token: '  example-a8F3k9Qz2L_-.~  ' }, 'OK', 'The token is usable'],
		[{ token: '' }, 'Error', 'Enter a token.'],
		[{}, 'Error', 'Enter a token.'],
		[undefined, 'Error', 'Enter a token.'],
		[{ token: 'short-token' }, 'Error', 'The token has 11 characters. Use at least 16'],
		[{ token: 'example-a8F3k9Qz2L&x=1' }, 'Error', 'change meaning in a URL'],
		[{ token: 'a8F3k9Qz 2Lm7Xc4V' }, 'Error', 'change meaning in a URL'],
	])('Test with %j → %s', async (data: { token?: string } | undefined, status, message) => {
		const result = await runTest(data);
		expect(result.status).toBe(status);
		expect(result.message).toContain(message);
		if (data?.token) expect(result.message).not.toContain(data.token.trim());
	});
});
