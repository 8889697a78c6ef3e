import { redact, redactDeep } from '../../../../nodes/AgileTelecom/transport/errors';

// Test values built so the hard-coded-secret lint does not mistake them for real ones.
const token = ['hook', 'token', 'a1B2c3D4e5F6'].join('-');
const spaced = ['tok en', 'with+plus/slash'].join('&');

describe('redact: the secrets and any token a quoted URL carries', () => {
	test.each([
		[`key ${token} refused`, [token], 'key *** refused'],
		// The callback URL as Qlara would echo it: the token as a query value.
		[`https://n8n.example.com/webhook/x/webhook?token=${token}`, [], 'https://n8n.example.com/webhook/x/webhook?token=***'],
		[`url http://127.0.0.1/w?a=1&access_token=abc123&b=2 refused`, [], 'url http://127.0.0.1/w?a=1&access_token=***&b=2 refused'],
		[`'https://crm.example.com/dlr?key=THEIR-SECRET'`, [], `'https://crm.example.com/dlr?key=***'`],
		// Only query values are masked: words in a sentence stay.
		['the token expired; key rotation needed', [], 'the token expired; key rotation needed'],
		[`https://crm.example.com/dlr?apiKey=THEIR-SECRET#x`, [], 'https://crm.example.com/dlr?apiKey=***#x'],
		// A token with characters a URL encodes is masked in both forms.
		[`sent ?token=${encodeURIComponent(spaced)} for ${spaced}`, [spaced], 'sent ?token=*** for ***'],
		[`as a path: /hooks/${encodeURIComponent(spaced)}/x`, [spaced], 'as a path: /hooks/***/x'],
		['no secret here', [token], 'no secret here'],
	])('%j → %j', (text, secrets, expected) => {
		expect(redact(text, secrets)).toBe(expected);
	});

	test('redactDeep masks keys and values of a parsed body', () => {
		expect(redactDeep({ message: `bad ?token=${token}`, list: [token], [token]: 1 }, [token])).toEqual({
			message: 'bad ?token=***',
			list: ['***'],
			'***': 1,
		});
	});
});
