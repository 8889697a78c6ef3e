// End-to-end, in a real n8n: Message → Get Status with Wait for Final Status (issue 21, item 2). One ID moves
// SENT → RECEIVED → DELIVERED (one step per status read, the sandbox's documented progression), the other stays
// SENT: the node polls both until the first is final, then only the second, until Max Wait.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { demoCredential } from '../../scripts/n8n/examples.mjs';
import { createInstance, nodeOutput, packPackage } from '../../scripts/n8n/runtime.mjs';
import { startSandbox } from '../../scripts/n8n/sandbox.mjs';

const STATUS_PATH = '/api/partner-gateway/v1/messages/status';

let sandbox;
let n8n;
const WORKFLOW_ID = 'e2eWaitStatus001';

before(async () => {
	await ensureRuntime({ quiet: true });
	sandbox = await startSandbox({});
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	const credential = { ...demoCredential(sandbox.url, { customApiFormat: 'qlara' }), id: 'e2eWaitStatusCr1', name: 'e2e qlara' };
	await n8n.importCredentials([credential]);
	await n8n.importWorkflows([
		{
			id: WORKFLOW_ID,
			name: WORKFLOW_ID,
			nodes: [
				{ id: 'w-t', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'w-a',
					name: 'Agile',
					type: 'n8n-nodes-agiletelecom.agileTelecom',
					typeVersion: 1,
					position: [200, 0],
					parameters: {
						resource: 'message',
						operation: 'getStatus',
						messageIds: 'otp-delivered,otp-stuck',
						waitForFinalStatus: true,
						maxWait: 2,
						retry: { initialDelay: 200, maxDelay: 800 },
					},
					credentials: { agileTelecomApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: { Start: { main: [[{ node: 'Agile', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
	]);
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

test('polls until one ID is DELIVERED and the other times out at Max Wait; the output lists what is pending', async () => {
	sandbox.reset();
	sandbox.setStatusProgression('otp-delivered', ['SENT', 'RECEIVED', 'DELIVERED']);
	sandbox.setStatusProgression('otp-stuck', ['SENT']);
	const r = await n8n.execute(WORKFLOW_ID);
	assert.ok(r.ok, JSON.stringify({ exitCode: r.exitCode, error: r.error, stderr: r.stderr?.slice(-1500) }));

	// Polls at 0, 0.2, 0.6, 1.4 and 2 s: three batches while both are pending, then the lone one alone.
	const asked = sandbox.requestsTo(STATUS_PATH).map((q) => [q.path, q.query.ids ?? null, q.query.channel, q.status]);
	assert.deepEqual(asked, [
		[STATUS_PATH, 'otp-delivered,otp-stuck', 'SMS', 200],
		[STATUS_PATH, 'otp-delivered,otp-stuck', 'SMS', 200],
		[STATUS_PATH, 'otp-delivered,otp-stuck', 'SMS', 200],
		[`${STATUS_PATH}/otp-stuck`, null, 'SMS', 200],
		[`${STATUS_PATH}/otp-stuck`, null, 'SMS', 200],
	]);
	const [json] = nodeOutput(r.run, 'Agile');
	assert.equal(json.timedOut, true);
	assert.deepEqual(json.pendingIds, ['otp-stuck']);
	assert.equal(json.polls, 5);
	assert.ok(json.waitedMs >= 2000, `waitedMs ${json.waitedMs}`);
	assert.deepEqual(
		json.statuses.map((s) => [s.messageId, s.status, s.final, s.delivered]),
		[
			['otp-delivered', 'DELIVERED', true, true],
			['otp-stuck', 'SENT', false, false],
		],
	);
});
