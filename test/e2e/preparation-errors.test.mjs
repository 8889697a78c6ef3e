// End-to-end, in a real n8n: an expression that throws for one item (issue 18 item 4). Three rows, the second
// without `contact`, so only its expression reaches for `$('Lookup').item`, a node that did not run in this execution:
// n8n throws an ExpressionError for item 2 alone. With continue-on-fail that item is an error item, paired with its
// row, and the other two numbers get the SMS once each; without it the node fails naming item 2 and sends nothing.
// Before, n8n passed the three input items through unchanged, sent nothing, and the run looked green.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { deliveredTo, rowsWorkflow } from '../../scripts/n8n/rowsWorkflow.mjs';
import { createInstance, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const [FIRST, THIRD] = ['+393351000001', '+393351000003'];
const ROWS = [{ contact: { phone: FIRST }, text: 'Hello 1' }, { text: 'Hello 2' }, { contact: { phone: THIRD }, text: 'Hello 3' }];
const PHONE = "={{ $json.contact ? $json.contact.phone : $('Lookup').item.json.phone }}";
/** n8n's own words for item 2 ("Invalid expression", and why, from its context), after the item and the parameter. */
const ITEM_2_ERROR = {
	batch: 'Item 2: destinations: Invalid expression: No path back to referenced node (node "Lookup")',
	qlara: 'Item 2: destination: Invalid expression: No path back to referenced node (node "Lookup")',
};

let sandbox;
let n8n;
const credentials = {};
const WF = {};

/** The rows through Split Out into Agile Telecom, a No Op after it, and a "Lookup" node that never runs. */
function workflow(id, parameters, settings = {}, rows = ROWS) {
	const credential = parameters.operation === 'send' ? credentials.qlara : credentials.wholesale;
	// Not connected: it never runs, so `$('Lookup').item` cannot be resolved.
	const lookup = { id: `${id}-l`, name: 'Lookup', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 200], parameters: {} };
	return rowsWorkflow(id, { parameters, credential, settings, rows, downstream: true, unconnected: [lookup] });
}

const batch = { resource: 'sms', operation: 'sendBatch', destinations: PHONE, sender: 'InfoSMS', body: '={{ $json.text }}' };
const qlara = { resource: 'sms', operation: 'send', destination: PHONE, sender: 'MyShop', body: '={{ $json.text }}' };
const CONTINUE = { onError: 'continueRegularOutput' };

async function run(wf) {
	sandbox.reset();
	return await n8n.execute(wf.id);
}

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	credentials.wholesale = { ...demoCredential(sandbox.url, { customApiFormat: 'agile' }), id: 'e2ePrepCred00001', name: 'e2e wholesale' };
	credentials.qlara = { ...demoCredential(sandbox.url, { customApiFormat: 'qlara' }), id: 'e2ePrepCred00002', name: 'e2e qlara' };
	await n8n.importCredentials([credentials.wholesale, credentials.qlara]);
	WF.batchContinue = workflow('e2ePrepBatch0001', batch, CONTINUE);
	WF.qlaraContinue = workflow('e2ePrepQlara0001', qlara, CONTINUE);
	WF.batchStop = workflow('e2ePrepBatch0002', batch);
	// Any other error inside an expression (here one it throws itself for row 2) n8n turns into an empty value: the
	// node refuses that item's missing field.
	const numberText = ROWS.map((row, k) => ({ ...row, contact: { phone: [FIRST, '+393351000002', THIRD][k] }, text: k === 1 ? 2 : row.text }));
	WF.swallowed = workflow('e2ePrepBatch0003', { ...batch, body: '={{ typeof $json.text === "number" ? (() => { throw new Error("no text") })() : $json.text }}' }, CONTINUE, numberText);
	await n8n.importWorkflows(Object.values(WF));
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

describe('an expression that throws for one item, in a real n8n', () => {
	for (const [name, key] of [['Send Batch', 'batch'], ['Send (Qlara)', 'qlara']]) {
		test(`${name}, On Error → Continue: item 2 is an error item, the other numbers get the SMS once each`, async () => {
			const r = await run(WF[`${key}Continue`]);
			assert.ok(r.ok, JSON.stringify({ exitCode: r.exitCode, signal: r.signal, error: r.error, stderr: r.stderr.slice(-1500) }));
			const output = r.run.data.resultData.runData.Agile[0].data.main[0];
			assert.deepEqual(
				output.map((o) => [o.pairedItem, o.json.error === undefined ? o.json.accepted : 'error']),
				[
					[{ item: 0 }, true],
					[{ item: 1 }, 'error'],
					[{ item: 2 }, true],
				],
			);
			assert.equal(output[1].json.error, ITEM_2_ERROR[key]);
			assert.match(output[1].json.details.description, /^Fix the expression in "destinations?" for item 2; nothing was sent for this item\.$/);
			assert.deepEqual(deliveredTo(sandbox), { [FIRST]: 1, [THIRD]: 1 });
			assert.deepEqual(sandbox.duplicates(), []);
		});
	}

	test('an error n8n turns into an empty value: item 2 is refused for its missing field, the others are sent once', async () => {
		const r = await run(WF.swallowed);
		assert.ok(r.ok, JSON.stringify({ exitCode: r.exitCode, signal: r.signal, error: r.error, stderr: r.stderr.slice(-1500) }));
		const output = r.run.data.resultData.runData.Agile[0].data.main[0];
		assert.deepEqual(output.map((o) => [o.pairedItem, o.json.error === undefined ? o.json.accepted : 'error']), [
			[{ item: 0 }, true],
			[{ item: 1 }, 'error'],
			[{ item: 2 }, true],
		]);
		assert.equal(output[1].json.error, 'Item 2: Body: is required');
		assert.deepEqual(deliveredTo(sandbox), { [FIRST]: 1, [THIRD]: 1 });
	});

	test('Send Batch without continue-on-fail: the node fails naming item 2, and sends nothing', async () => {
		const r = await run(WF.batchStop);
		assert.equal(r.exitCode, 1);
		assert.equal(r.error.message, ITEM_2_ERROR.batch);
		assert.equal(sandbox.requests.length, 0);
	});
});
