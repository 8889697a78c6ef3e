// End-to-end, in a real n8n with its default expression engine (`vm`, checked below): a Body typed as a template of
// text and `{{ $json.path }}` segments (issue 19) is read by the node itself, and must give the same requests and
// outputs as the same template where n8n evaluates every segment (`{{ ($json.path) }}`, which the node does not read).
// One template with every segment form users type, over rows holding every kind of value.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { engineOf, engineProbeNode } from '../../scripts/n8n/engine-probe.mjs';
import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { createInstance, nodeOutput, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';

const TEMPLATE = [
	'=v={{ $json.v }}',
	'tight={{$json.v}}',
	'wide={{   $json . v   }}',
	'key={{ $json["first name"] }}',
	"quoted={{ $json['first name'] }}",
	'deep={{ $json.nested.deep.v }}',
	'index={{ $json.list[1] }}',
	'lines={{\n$json.v\n}}',
	'code={{ $json.code }}',
].join('|');
/** The same template with every segment in parentheses: no longer a `$json` path, so n8n evaluates it. */
const EVALUATED = TEMPLATE.replace(/\{\{(\s*)([^}]*?)(\s*)\}\}/g, '{{$1($2)$3}}');

const VALUES = [
	'Ada',
	'with "quotes", {{ braces }}, a \\ backslash and\na new line',
	'Ciao 😀 è',
	0,
	12.5,
	-3,
	1e21,
	true,
	false,
	null,
	'',
	undefined,
	{ a: 1, b: 'two' },
	{},
	[],
	[1, 'two', null, [3, [4, null]], { k: 1 }, true],
	[0, false, ''],
	{ toString: 'not a function' },
];
const ROWS = VALUES.map((v, i) => ({
	to: `+3933520000${String(i).padStart(2, '0')}`,
	...(v === undefined ? {} : { v }),
	code: `C-${i}`,
	...(i % 2 === 0 ? { 'first name': `Name ${i}`, nested: { deep: { v: `deep ${i}` } }, list: ['first', `second ${i}`] } : {}),
	...(i === 3 ? { nested: { deep: null }, list: [] } : {}),
}));

let sandbox;
let n8n;
const credential = {};
const WF = {};

/** Manual Trigger → Engine probe → Rows → Split Out → Agile Telecom. */
function workflow(id, parameters, account) {
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		engineProbeNode(),
		{ name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: ROWS }), options: {} } },
		{ name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
		{ name: 'Agile', type: NODE_TYPE, typeVersion: 1, parameters, credentials: { agileTelecomApi: { id: account.id, name: account.name } } },
	].map((node, i) => ({ id: `${id}-${i}`, position: [200 * i, 0], ...node }));
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: id, nodes, connections, settings: { executionOrder: 'v1' } };
}

const batch = (body) => ({ resource: 'sms', operation: 'sendBatch', destinations: '={{ $json.to }}', sender: 'InfoSMS', body });
const qlara = (body) => ({ resource: 'sms', operation: 'send', destination: '={{ $json.to }}', sender: 'MyShop', body });

/** What the sandbox received, as [destination, text] per message, and what the node output, per item. */
async function sent(wf) {
	sandbox.reset();
	const r = await n8n.execute(wf.id);
	assert.ok(r.ok, JSON.stringify({ exitCode: r.exitCode, error: r.error, stderr: r.stderr?.slice(-1500) }));
	assert.equal(engineOf(r.run), 'vm');
	const messages = [];
	for (const q of sandbox.requests) {
		if (Array.isArray(q.body?.messages)) for (const m of q.body.messages) messages.push([m.destinations, m.body]);
		else if (typeof q.body?.destination === 'string') messages.push([[q.body.destination], q.body.body]);
	}
	messages.sort((a, b) => a[0][0].localeCompare(b[0][0]));
	const output = nodeOutput(r.run, 'Agile').map((o) => [o.accepted, o.results?.map((x) => x.destination)]);
	return { messages, output };
}

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	credential.wholesale = { ...demoCredential(sandbox.url, { customApiFormat: 'agile' }), id: 'e2eTemplateCred1', name: 'e2e wholesale' };
	credential.qlara = { ...demoCredential(sandbox.url, { customApiFormat: 'qlara' }), id: 'e2eTemplateCred2', name: 'e2e qlara' };
	await n8n.importCredentials([credential.wholesale, credential.qlara]);
	WF.batchFast = workflow('e2eTemplateBat01', batch(TEMPLATE), credential.wholesale);
	WF.batchSlow = workflow('e2eTemplateBat02', batch(EVALUATED), credential.wholesale);
	WF.qlaraFast = workflow('e2eTemplateQla01', qlara(TEMPLATE), credential.qlara);
	WF.qlaraSlow = workflow('e2eTemplateQla02', qlara(EVALUATED), credential.qlara);
	await n8n.importWorkflows(Object.values(WF));
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

describe("templates of text and $json paths give what n8n's vm engine gives", () => {
	test('the evaluated form differs only by the parentheses', () => {
		assert.equal(EVALUATED.split('($json').length - 1, 9);
		assert.equal(EVALUATED.replace(/[()]/g, ''), TEMPLATE);
	});

	for (const [name, fast, slow] of [
		['Send Batch', 'batchFast', 'batchSlow'],
		['Send (Qlara)', 'qlaraFast', 'qlaraSlow'],
	]) {
		test(`${name}: strings, numbers, booleans, null, missing, objects, arrays, keys with spaces: same requests and outputs`, async () => {
			const read = await sent(WF[fast]);
			const evaluated = await sent(WF[slow]);
			assert.equal(read.messages.length, ROWS.length);
			assert.deepEqual(read.messages, evaluated.messages);
			assert.deepEqual(read.output, evaluated.output);
			// What n8n renders, spelled out for a few rows, so that both forms are also checked against the rule.
			const text = (i) => read.messages.find(([to]) => to[0] === ROWS[i].to)[1];
			assert.equal(text(0), 'v=Ada|tight=Ada|wide=Ada|key=Name 0|quoted=Name 0|deep=deep 0|index=second 0|lines=Ada|code=C-0');
			assert.equal(text(3), 'v=0|tight=0|wide=0|key=|quoted=|deep=|index=|lines=0|code=C-3');
			assert.equal(text(9), 'v=|tight=|wide=|key=|quoted=|deep=|index=|lines=|code=C-9');
			assert.equal(text(12).split('|')[0], 'v=[object Object]');
			assert.equal(text(15).split('|')[0], 'v=1,two,,3,4,,[object Object],true');
			assert.equal(text(16).split('|')[0], 'v=0,false,');
		});
	}
});
