/**
 * The sandbox's emulation of the MNP lookup (agile-api.md §15, §8.4), of the two documented batch status
 * parameters (§7) and of the batch results' ids (§3.3 a), each reading switchable per test. Plain fetch, no node
 * involved.
 */
import { useSandbox } from './sandbox/lifecycle';
import { documentedMnpError } from './sandbox/server';

const sandbox = useSandbox();
const KEY = { 'X-Api-Key': 'test-api-key' };
const MNP = '/services/mnp/number-lookup';
const STATUS = '/api/partner-gateway/v1/messages/status';

beforeEach(() => {
	sandbox.configure({ mnpParameter: 'either', mnpErrorFormat: 'documented', mnpAnswers: {}, statusParameter: 'both', statusMissingParameter: 'empty' });
});

async function get(path: string, headers: Record<string, string> = KEY): Promise<{ status: number; text: string; type: string | null }> {
	const res = await fetch(`${sandbox.url}${path}`, { headers });
	return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('sandbox: MNP lookup', () => {
	const example = { number: '+39333123123', mcc: '222', mnc: '10', numbertype: 'mobile', ported: false, operator: 'Vodafone', country: 'Italia' };

	test('the documented example answer, for msisdn with %2B or without +', async () => {
		for (const query of ['msisdn=%2B39333123123', 'msisdn=39333123123']) {
			const answer = await get(`${MNP}?${query}`);
			expect([answer.status, JSON.parse(answer.text)]).toEqual([200, example]);
		}
	});

	test.each([
		['either', 'msisdn', 200],
		['either', 'number', 200],
		['msisdn', 'msisdn', 200],
		['msisdn', 'number', 400],
		['number', 'number', 200],
		['number', 'msisdn', 400],
	] as const)('reading %s, parameter %s → %i', async (mnpParameter, parameter, status) => {
		sandbox.configure({ mnpParameter });
		expect((await get(`${MNP}?${parameter}=%2B39333123123`)).status).toBe(status);
	});

	test('errors are documented JSON without the comma, or valid JSON when asked', async () => {
		expect(await get(MNP)).toEqual({
			status: 400,
			text: '{ "error_code": 400 "error_description": "Specify a msisdn number" }',
			type: 'application/json',
		});
		expect(documentedMnpError(500, 'Server error')).toBe('{ "error_code": 500 "error_description": "Server error" }');
		sandbox.configure({ mnpErrorFormat: 'json' });
		const answer = await get(MNP);
		expect(JSON.parse(answer.text)).toEqual({ error_code: 400, error_description: 'Specify a msisdn number' });
	});

	test('an unencoded + arrives as a space and is refused; a wrong key gets 401 in the same shape', async () => {
		expect(await get(`${MNP}?msisdn=+39333123123`)).toMatchObject({
			status: 400,
			text: '{ "error_code": 400 "error_description": "Invalid msisdn number:  39333123123" }',
		});
		expect(await get(`${MNP}?msisdn=%2B39333123123`, { 'X-Api-Key': 'nope' })).toMatchObject({
			status: 401,
			text: '{ "error_code": 401 "error_description": "Wrong credentials" }',
		});
	});

	test('configured answers replace the default fields; the raw query is recorded', async () => {
		sandbox.configure({ mnpAnswers: { '+39333123123': { ported: true, operator: 'Iliad' } } });
		const answer = await get(`${MNP}?msisdn=%2B39333123123`);
		expect(JSON.parse(answer.text)).toEqual({ ...example, ported: true, operator: 'Iliad' });
		expect(sandbox.requests[0]).toMatchObject({ rawQuery: 'msisdn=%2B39333123123', query: { msisdn: '+39333123123' } });
	});
});

describe('sandbox: batch status parameter readings', () => {
	beforeEach(() => {
		sandbox.setStatus('a', 'DELIVERED');
	});
	const found = [{ customerMessageId: 'a', deliveryStatus: 'DELIVERED', deliveryStatusDescription: 'Message delivered' }];

	test.each([
		['both', 'ids', found],
		['both', 'customerMessageIds', found],
		['ids', 'ids', found],
		['ids', 'customerMessageIds', []],
		['customerMessageIds', 'customerMessageIds', found],
		['customerMessageIds', 'ids', []],
	] as const)('reading %s, parameter %s', async (statusParameter, parameter, expected) => {
		sandbox.configure({ statusParameter });
		const answer = await get(`${STATUS}?${parameter}=a,b&channel=SMS`);
		expect([answer.status, JSON.parse(answer.text)]).toEqual([200, expected]);
	});

	test('a strict reading can answer 400 for its missing parameter instead', async () => {
		sandbox.configure({ statusParameter: 'customerMessageIds', statusMissingParameter: 'badRequest' });
		const answer = await get(`${STATUS}?ids=a&channel=SMS`);
		expect([answer.status, JSON.parse(answer.text)]).toEqual([
			400,
			{ status: 400, error: 'Bad Request', message: "Query parameter 'customerMessageIds' is required" },
		]);
	});
});

describe('sandbox: webhook URL refusal readings (§6.3 "HTTPS required"; the 400 text is not documented)', () => {
	const WEBHOOK = '/api/partner-gateway/v1/webhooks/delivery-status';
	const LOCAL = 'http://127.0.0.1:5678/webhook/abc/webhook?token=example-token-0123';
	afterEach(() => {
		sandbox.configure({ webhookHttpsOnly: false, webhookEchoesUrl: false });
	});

	async function register(callbackUrl: string): Promise<{ status: number; body: unknown }> {
		const res = await fetch(`${sandbox.url}${WEBHOOK}`, {
			method: 'POST',
			headers: { ...KEY, 'Content-Type': 'application/json' },
			body: JSON.stringify({ callbackUrl }),
		});
		return { status: res.status, body: JSON.parse(await res.text()) };
	}

	test.each([
		[false, false, 201, undefined],
		[true, false, 400, "Field 'callbackUrl' must be an https:// URL"],
		[true, true, 400, `Field 'callbackUrl' must be an https:// URL, got '${LOCAL}'`],
	] as const)('https only %s, echoes the URL %s → %i', async (webhookHttpsOnly, webhookEchoesUrl, status, message) => {
		sandbox.configure({ webhookHttpsOnly, webhookEchoesUrl });
		const answer = await register(LOCAL);
		expect(answer.status).toBe(status);
		if (message !== undefined) expect(answer.body).toEqual({ status: 400, error: 'Bad Request', message });
		else expect(answer.body).toMatchObject({ callbackUrl: LOCAL, status: 'ACTIVE' });
	});
});

describe('sandbox: batch results ids', () => {
	afterEach(() => {
		sandbox.configure({ batchResultIds: 'sent' });
	});

	const send = async (destinations: string[], ids: string[]) => {
		const res = await fetch(`${sandbox.url}/services/sms/send`, {
			method: 'POST',
			headers: { ...KEY, 'Content-Type': 'application/json' },
			body: JSON.stringify({ globalId: 'g', messages: destinations.map((d, k) => ({ destinations: [d], ids: [ids[k]], sender: 'S', body: `text ${ids[k]}` })) }),
		});
		return (await res.json()) as { results: Array<{ destination: string; id: string; accepted: boolean; statusCode: number }> };
	};

	test("'sent' echoes the ids sent; 'server' answers with its own, and still counts deliveries by the ids sent", async () => {
		expect((await send(['+391'], ['mine-1'])).results).toEqual([{ destination: '+391', id: 'mine-1', accepted: true, statusCode: 200 }]);
		sandbox.configure({ batchResultIds: 'server' });
		const { results } = await send(['+391'], ['mine-2']);
		expect(results).toEqual([{ destination: '+391', id: expect.stringMatching(/^msg-\d+$/), accepted: true, statusCode: 200 }]);
		expect(results[0].id).not.toBe('mine-2');
		expect([...sandbox.deliveries]).toEqual([
			['mine-1', 1],
			['mine-2', 1],
		]);
	});

	test('a rejection with `after` lets that many sends of the number through first', async () => {
		sandbox.setRejections({ '+391': { status: 403, after: 1 } });
		const { results } = await send(['+391', '+391', '+391'], ['a', 'b', 'c']);
		expect(results.map((r) => [r.id, r.accepted, r.statusCode])).toEqual([
			['a', true, 200],
			['b', false, 403],
			['c', false, 403],
		]);
	});
});
