import { resolveEndpoints } from '../../../../nodes/AgileTelecom/transport/endpoints';

describe('resolveEndpoints: the MNP lookup (agile-api.md §15)', () => {
	test.each(['wholesale', 'secure', 'httpApi', 'qlara', undefined])('platform %s: the one MNP host', (platform) => {
		expect(resolveEndpoints({ platform }).mnpLookup).toBe('https://mnp.agiletelecom.com/services/mnp/number-lookup');
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
