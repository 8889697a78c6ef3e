import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { resolveEndpoints } from '../../../../nodes/AgileTelecom/transport/endpoints';

describe('resolveEndpoints: the MNP lookup (agile-api.md §15)', () => {
	test.each(['wholesale', 'secure', 'httpApi', 'qlara', ''])('platform %j: the one MNP host', (platform) => {
		// '' stands for a credential without a platform (the default is wholesale).
		const credentials: ICredentialDataDecryptedObject = platform ? { platform } : {};
		expect(resolveEndpoints(credentials).mnpLookup).toBe('https://mnp.agiletelecom.com/services/mnp/number-lookup');
	});

	test.each([
		['http://127.0.0.1:4010', 'agile'],
		['https://proxy.example.com/', 'qlara'],
	])('custom URL %s (%s format): the same path on it, so the sandbox or a proxy serves it', (baseUrl, customApiFormat) => {
		expect(resolveEndpoints({ platform: 'custom', baseUrl, customApiFormat }).mnpLookup).toBe(
			`${baseUrl.replace(/\/$/, '')}/services/mnp/number-lookup`,
		);
	});
});
