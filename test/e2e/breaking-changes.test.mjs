// End-to-end: n8n 2.41's own report of the breaking changes of n8n 3.0 (GET /rest/breaking-changes/report?version=v3)
// on this package in a real n8n: the example workflows and every node and operation the package declares. None of
// the package's workflows may be affected; the instance findings are the deployment's, and the one that concerns a
// community package (unverified packages off by default) goes away once the instance enables them, as the README's
// Compatibility section tells n8n 3.0 users to do.
// Run with `npm run build && node --test test/e2e/breaking-changes.test.mjs` (the script: scripts/n8n/breaking-changes.mjs).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';

import { declarationsWorkflow, runBreakingChanges } from '../../scripts/n8n/breaking-changes.mjs';
import { N8N_VERSION } from '../../scripts/n8n/paths.mjs';

test('the declarations workflow holds every operation of both nodes', () => {
	const names = declarationsWorkflow().nodes.map((n) => n.name);
	assert.deepEqual(names, [
		'Agile Telecom account getCredit',
		'Agile Telecom lookup numberPortability',
		'Agile Telecom message getStatus',
		'Agile Telecom sms send',
		'Agile Telecom sms sendAndWait',
		'Agile Telecom sms sendBatch',
		'Agile Telecom Trigger',
	]);
});

// The 3.0 rules ship with n8n 2.x (dist/modules/breaking-changes/rules/v3/); n8n 1.x reports its own 2.0 rules instead.
const NO_V3_RULES = N8N_VERSION.startsWith('1.') ? `n8n ${N8N_VERSION} has no n8n 3.0 rules` : false;

test('n8n 3.0 rules: no workflow of the package is affected; unverified packages is the only package finding', { skip: NO_V3_RULES }, async (t) => {
	const { report, workflows } = await runBreakingChanges({ build: false });
	t.diagnostic(`workflows checked: ${workflows.map((w) => w.id).join(', ')}`);
	t.diagnostic(`instance findings: ${report.instanceResults.map((r) => r.ruleId).join(', ')}`);
	// Every example workflow, and the declarations workflow.
	const examples = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.json'));
	assert.equal(workflows.length, examples.length + 1);
	assert.deepEqual(report.workflowResults, []);
	assert.ok(report.instanceResults.some((r) => r.ruleId === 'unverified-packages-v3'));

	const enabled = await runBreakingChanges({ build: false, env: { N8N_UNVERIFIED_PACKAGES_ENABLED: 'true' } });
	assert.deepEqual(enabled.report.workflowResults, []);
	assert.ok(!enabled.report.instanceResults.some((r) => r.ruleId === 'unverified-packages-v3'));
});
