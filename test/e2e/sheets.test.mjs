// End-to-end: a list as spreadsheets and CRMs hand it over, through both sends of the packed package inside a REAL
// n8n (scripts/n8n), against the project's sandbox. A Code node emits the rows as a Google Sheets or CSV node would:
// numbers as numbers, international numbers without `+`, no-break spaces, a UDH that became a number, schedules as
// epoch seconds, one in the past, one number in exponent notation. Default Country Code 39.
// Run with `npm run build && node --test --test-concurrency=1 test/e2e/sheets.test.mjs`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { createInstance, nodeOutput, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';
// 2100000000 s = 2036-07-18 13:20:00 UTC; the instance runs in UTC (scripts/n8n/runtime.mjs GENERIC_TIMEZONE).
const FUTURE_SECONDS = 2100000000;
const FUTURE = '2036-07-18 13:20:00.000+0000';
// 978339600 s = 2001-01-01 09:00:00 UTC.
const PAST_SECONDS = 978339600;
const PAST = '2001-01-01 09:00:00.000+0000';

// What the sheet holds, row by row (the Code node below emits exactly these values and types).
const ROWS = [
	{ phone: 393351234567, udh: '070645670000', when: FUTURE_SECONDS },
	{ phone: '39\u00A0335\u00A0123\u00A04568', when: String(FUTURE_SECONDS) },
	{ phone: 3933512345, when: FUTURE_SECONDS * 1000 },
	{ phone: '+39 335 123 4569', udh: 70645670000, when: FUTURE_SECONDS },
	{ phone: 393351234570, when: PAST_SECONDS },
	{ phone: '3.93351234567e+11', when: FUTURE_SECONDS },
];
const SENT = [
	{ row: 0, number: '+393351234567', udh: '070645670000' },
	{ row: 1, number: '+393351234568' },
	{ row: 2, number: '+393933512345' },
];
const EXPONENT =
	'"3.93351234567e+11" is in exponent notation: the spreadsheet or CSV export rounded the number, and the digits it dropped cannot be recovered. Format the column as text (or as a whole number) and export it again';
const UDH_NUMBER =
	'is the number 70645670000, not text: a spreadsheet or expression turned the hex into a number and dropped its leading zeros, so the header cannot be recovered. Give the UDH as text (format the column as text), for example 070645670000';
const pastProblem = (option) =>
	`${PAST} (from "${PAST_SECONDS}") is in the past, so nothing was sent. Give a future time, or set ${option} to Send Now to send such items at once`;

let sandbox;
let n8n;
const WF = {};

/** Manual Trigger → Code (the sheet) → one Agile Telecom node with continue-on-fail, so refused rows come out. */
function sheetWorkflow(id, node) {
	const code = `return ${JSON.stringify(ROWS)}.map((row) => ({ json: row }));`;
	const nodes = [
		{ id: `${id}-t`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: `${id}-c`, name: 'Sheet', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: code } },
		{
			id: `${id}-a`,
			name: 'Send',
			type: NODE_TYPE,
			typeVersion: 1.1,
			position: [440, 0],
			onError: 'continueRegularOutput',
			credentials: { agileTelecomApi: { id: 'agileTelecomDemo', name: 'Agile Telecom (sandbox)' } },
			...node,
		},
	];
	const connections = {
		Start: { main: [[{ node: 'Sheet', type: 'main', index: 0 }]] },
		Sheet: { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
	};
	return { id, name: `sheets e2e: ${id}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

const hygiene = { defaultCountryCode: 39, smartEncoding: true, maxParts: 6 };

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	await n8n.importCredentials([demoCredential(sandbox.url)]);
	const batch = (messageOptions) => ({
		parameters: {
			resource: 'sms',
			operation: 'sendBatch',
			destinations: '={{ $json.phone }}',
			sender: 'InfoSMS',
			body: 'Sheet test',
			messageOptions: { scheduling: '={{ $json.when }}', udhData: '={{ $json.udh }}', ...messageOptions },
			hygiene,
		},
	});
	WF.batch = sheetWorkflow('e2eSheetsBatch01', batch({}));
	WF.batchNow = sheetWorkflow('e2eSheetsBatch02', batch({ pastSchedule: 'sendNow' }));
	WF.single = sheetWorkflow('e2eSheetsSingle1', {
		parameters: {
			resource: 'sms',
			operation: 'send',
			destination: '={{ $json.phone }}',
			sender: 'InfoSMS',
			body: 'Sheet test',
			options: { scheduledDate: '={{ $json.when }}', udhData: '={{ $json.udh }}' },
			hygiene,
		},
	});
	await n8n.importWorkflows([WF.batch, WF.batchNow, WF.single]);
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

async function execute(workflow) {
	sandbox.reset();
	const r = await n8n.execute(workflow.id);
	assert.equal(r.exitCode, 0, `${r.stderr.slice(-2000)}`);
	return { output: nodeOutput(r.run, 'Send'), requests: [...sandbox.requests] };
}

describe('a sheet-like list in a real n8n, Default Country Code 39', () => {
	test('Send Batch: one request with the right numbers, UDH and times; the refused rows name item and field', async () => {
		const { output, requests } = await execute(WF.batch);
		const sends = requests.filter((q) => q.method === 'POST' && q.path === '/api/services/sms/send');
		assert.equal(sends.length, 1);
		const messages = sends[0].body.messages.map(({ ids, ...rest }) => rest);
		assert.deepEqual(
			messages,
			SENT.map(({ number, udh }) => ({ destinations: [number], sender: 'InfoSMS', body: 'Sheet test', scheduling: FUTURE, ...(udh ? { udhData: udh } : {}) })),
		);
		assert.equal(output.length, ROWS.length);
		for (const { row, number } of SENT) {
			assert.equal(output[row].accepted, true, JSON.stringify(output[row]));
			assert.equal(output[row].results[0].destination, number);
			assert.equal(output[row].scheduling, FUTURE);
		}
		assert.equal(output[3].error, `Item 4: UDH Data: ${UDH_NUMBER}`);
		assert.equal(output[4].error, `Item 5: Scheduling: ${pastProblem('Past Schedule')}`);
		assert.equal(output[5].error, `Item 6: Destinations: ${EXPONENT}`);
	});

	test('Send Batch with Past Schedule → Send Now: the past row is sent without a schedule, and says so', async () => {
		const { output, requests } = await execute(WF.batchNow);
		const [send] = requests.filter((q) => q.method === 'POST' && q.path === '/api/services/sms/send');
		const past = send.body.messages.find((m) => m.destinations[0] === '+393351234570');
		assert.deepEqual(Object.keys(past).sort(), ['body', 'destinations', 'ids', 'sender']);
		assert.equal(output[4].accepted, true);
		assert.equal(output[4].pastScheduleSentNow, PAST);
		assert.equal(output[4].scheduling, undefined);
		assert.equal(send.body.messages.length, 4);
	});

	test('Send (Qlara): one request per valid row with the right number, UDH and time; the refused rows name item and field', async () => {
		const { output, requests } = await execute(WF.single);
		const sends = requests.filter((q) => q.method === 'POST' && q.path === '/api/message-server/sms/send');
		const bodies = sends.map((q) => q.body).sort((a, b) => a.destination.localeCompare(b.destination));
		assert.deepEqual(
			bodies.map(({ messageId, ...rest }) => rest),
			SENT.map(({ number, udh }) => ({ destination: number, sender: 'InfoSMS', body: 'Sheet test', scheduledDate: FUTURE, ...(udh ? { udhData: udh } : {}) }))
				.sort((a, b) => a.destination.localeCompare(b.destination)),
		);
		for (const { row, number, udh } of SENT) {
			assert.equal(output[row].accepted, true, JSON.stringify(output[row]));
			assert.equal(output[row].destination, number);
			assert.equal(output[row].scheduledDate, FUTURE);
			// Counted with the UDH that was sent: 7 octets leave 152 GSM-7 characters, so 1 part either way here.
			assert.equal(output[row].parts, 1);
			if (udh) assert.equal(sends.find((q) => q.body.destination === number).body.udhData, udh);
		}
		assert.equal(output[3].error, `Item 4: UDH Data: ${UDH_NUMBER}`);
		assert.equal(output[4].error, `Item 5: Scheduled Date: ${pastProblem('Past Schedule')}`);
		assert.equal(output[5].error, `Item 6: Destination: ${EXPONENT}`);
	});
});
