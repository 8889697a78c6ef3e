/**
 * Both sends, in n8n-core's engine against the sandbox, with rows as spreadsheets hand them over: numbers as numbers,
 * no `+`, no-break spaces, a UDH that became a number, epoch-second schedules, a past one. Default Country Code 39.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow, sandboxCredentials } from '../../../../harness';
import { useSandbox } from '../../../../sandbox/lifecycle';

const sandbox = useSandbox();

// 2100000000 s = 2036-07-18 13:20:00 UTC; 978339600 s = 2001-01-01 09:00:00 UTC. The harness workflow's zone is America/New_York.
const FUTURE_SECONDS = 2100000000;
const PAST_SECONDS = 978339600;
const ROWS: IDataObject[] = [
	{ phone: 393351234567, udh: '070645670000', when: FUTURE_SECONDS },
	{ phone: '39\u00A0335\u00A0123\u00A04568', when: FUTURE_SECONDS * 1000 },
	{ phone: 3933512345 },
	{ phone: '+393351234569', udh: 70645670000 },
	{ phone: 393351234570, when: PAST_SECONDS },
];
const hygiene = { defaultCountryCode: 39 };

/** The object without one key (the ids the node makes differ per run). */
function withoutKey(value: IDataObject, key: string): IDataObject {
	return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
}

const qlara = () => ({ agileTelecomApi: sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) });

async function run(parameters: INodeParameters) {
	return await runWorkflow({ node: { parameters, onError: 'continueRegularOutput', typeVersion: 1.1 }, credentials: qlara(), items: ROWS });
}

describe('Send Batch with sheet rows', () => {
	const parameters = (pastSchedule?: string): INodeParameters => ({
		resource: 'sms',
		operation: 'sendBatch',
		destinations: '={{ $json.phone }}',
		sender: 'InfoSMS',
		body: 'Hi',
		messageOptions: { scheduling: '={{ $json.when }}', udhData: '={{ $json.udh }}', ...(pastSchedule ? { pastSchedule } : {}) },
		hygiene,
	});

	test('numbers, UDH and times as sent; the numeric UDH and the past schedule fail their items', async () => {
		const result = await run(parameters());
		const [send, ...others] = sandbox.requestsTo('/api/services/sms/send', 'POST');
		expect(others).toHaveLength(0);
		const messages = (send.body as { messages: IDataObject[] }).messages.map((m) => withoutKey(m, 'ids'));
		expect(messages).toEqual([
			{ destinations: ['+393351234567'], sender: 'InfoSMS', body: 'Hi', udhData: '070645670000', scheduling: '2036-07-18 09:20:00.000-0400' },
			{ destinations: ['+393351234568'], sender: 'InfoSMS', body: 'Hi', scheduling: '2036-07-18 09:20:00.000-0400' },
			{ destinations: ['+393933512345'], sender: 'InfoSMS', body: 'Hi' },
		]);
		const json = result.output?.map((o) => o.json) ?? [];
		expect(json[0]).toMatchObject({ accepted: true, scheduling: '2036-07-18 09:20:00.000-0400' });
		expect(json[2]).not.toHaveProperty('scheduling');
		expect(json[3].error).toBe(
			'Item 4: UDH Data: is the number 70645670000, not text: a spreadsheet or expression turned the hex into a number and dropped its leading zeros, so the header cannot be recovered. Give the UDH as text (format the column as text), for example 070645670000',
		);
		expect(json[4].error).toBe(
			'Item 5: Scheduling: 2001-01-01 04:00:00.000-0500 (from "978339600") is in the past, so nothing was sent. Give a future time, or set Past Schedule to Send Now to send such items at once',
		);
	});

	test('Past Schedule → Send Now sends the past item without a schedule and reports the time it had', async () => {
		const result = await run(parameters('sendNow'));
		const [send] = sandbox.requestsTo('/api/services/sms/send', 'POST');
		const last = (send.body as { messages: IDataObject[] }).messages[3];
		expect(last).toEqual({ destinations: ['+393351234570'], ids: [expect.any(String)], sender: 'InfoSMS', body: 'Hi' });
		expect(result.output?.[4].json).toMatchObject({ accepted: true, pastScheduleSentNow: '2001-01-01 04:00:00.000-0500' });
	});
});

describe('Send (Qlara) with sheet rows', () => {
	const parameters = (pastSchedule?: string): INodeParameters => ({
		resource: 'sms',
		operation: 'send',
		destination: '={{ $json.phone }}',
		sender: 'InfoSMS',
		body: 'Hi',
		options: { scheduledDate: '={{ $json.when }}', udhData: '={{ $json.udh }}', ...(pastSchedule ? { pastSchedule } : {}) },
		hygiene,
	});

	test('one body per valid row, the UDH sent is the one counted; the numeric UDH and the past schedule fail', async () => {
		const result = await run(parameters());
		const bodies = sandbox
			.requestsTo('/api/message-server/sms/send', 'POST')
			.map((r) => r.body as IDataObject)
			.map((b) => withoutKey(b, 'messageId'))
			.sort((a, b) => String(a.destination).localeCompare(String(b.destination)));
		expect(bodies).toEqual([
			{ destination: '+393351234567', sender: 'InfoSMS', body: 'Hi', udhData: '070645670000', scheduledDate: '2036-07-18 09:20:00.000-0400' },
			{ destination: '+393351234568', sender: 'InfoSMS', body: 'Hi', scheduledDate: '2036-07-18 09:20:00.000-0400' },
			{ destination: '+393933512345', sender: 'InfoSMS', body: 'Hi' },
		]);
		const json = result.output?.map((o) => o.json) ?? [];
		expect(json[0]).toMatchObject({ accepted: true, destination: '+393351234567', scheduledDate: '2036-07-18 09:20:00.000-0400' });
		expect(json[3].error).toMatch(/^Item 4: UDH Data: is the number 70645670000, not text/);
		expect(json[4].error).toMatch(/^Item 5: Scheduled Date: 2001-01-01 04:00:00\.000-0500 \(from "978339600"\) is in the past/);
	});

	test('parts are counted with the UDH sent: 153 GSM-7 characters fit one part without a UDH, need two with 070645670000', async () => {
		const text = 'a'.repeat(153);
		const result = await runWorkflow({
			node: { parameters: { ...parameters(), body: text }, typeVersion: 1.1 },
			credentials: qlara(),
			items: [{ phone: '+393351234567' }, { phone: '+393351234568', udh: '070645670000' }],
		});
		expect(result.output?.map((o) => [o.json.parts, o.json.encoding])).toEqual([
			[1, 'GSM-7'],
			[2, 'GSM-7'],
		]);
	});

	test('Past Schedule → Send Now sends at once and reports the past time', async () => {
		const result = await runWorkflow({ node: { parameters: parameters('sendNow'), typeVersion: 1.1 }, credentials: qlara(), items: [ROWS[4]] });
		const [request] = sandbox.requestsTo('/api/message-server/sms/send', 'POST');
		expect(request.body).not.toHaveProperty('scheduledDate');
		expect(result.output?.[0].json).toMatchObject({ accepted: true, pastScheduleSentNow: '2001-01-01 04:00:00.000-0500' });
		expect(result.output?.[0].json).not.toHaveProperty('scheduledDate');
	});
});
