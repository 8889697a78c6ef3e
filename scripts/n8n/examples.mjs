// Example workflows (examples/*.json) and the demo credential that binds them to the project's sandbox.
// Shared by scripts/n8n/demo.mjs, scripts/n8n/run.mjs --sandbox and test/e2e.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_NAME, REPO_ROOT } from './paths.mjs';

/** Examples reference this credential; the demo imports it pointing at the sandbox. */
export const DEMO_CREDENTIAL_ID = 'agileTelecomDemo';
export const DEMO_CREDENTIAL_NAME = 'Agile Telecom (sandbox)';
export const DEMO_OWNER = { email: 'demo@example.com', password: 'Demo-Passw0rd', firstName: 'Demo', lastName: 'User' };
export const SANDBOX_API_KEY = 'test-api-key';
export const SANDBOX_BASIC = { username: 'test-user', password: 'test-pass' };

/** examples/*.json: one workflow per file, or an array of workflows. */
export function loadExamples(filter = []) {
	const dir = path.join(REPO_ROOT, 'examples');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
		.sort()
		.flatMap((file) => {
			const content = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
			return (Array.isArray(content) ? content : [content]).map((workflow, i) => ({ file, index: i, workflow }));
		});
}

/** Points every Agile Telecom credential reference of a workflow at the demo credential; adds a 16-char id. */
export function bindToDemoCredential(workflow, fallbackId) {
	const nodes = (workflow.nodes ?? []).map((node) => {
		if (!node.type?.startsWith(`${PACKAGE_NAME}.`)) return node;
		return { ...node, credentials: { ...node.credentials, agileTelecomApi: { id: DEMO_CREDENTIAL_ID, name: DEMO_CREDENTIAL_NAME } } };
	});
	const id = typeof workflow.id === 'string' && /^[A-Za-z0-9]{1,36}$/.test(workflow.id) ? workflow.id : fallbackId;
	return { ...workflow, id, nodes, active: false };
}

/**
 * The sandbox as a Qlara account (a custom URL with API Format Qlara): such an account can use every operation,
 * while Send (Qlara), Get Status and webhook registration refuse other formats. Batch sends and the credit check
 * then use Qlara's paths (`/api/services/…`), which the sandbox serves like the wholesale ones.
 */
export function demoCredential(sandboxUrl, data = {}) {
	return {
		id: DEMO_CREDENTIAL_ID,
		name: DEMO_CREDENTIAL_NAME,
		type: 'agileTelecomApi',
		data: { authType: 'apiKey', apiKey: SANDBOX_API_KEY, platform: 'custom', baseUrl: sandboxUrl, customApiFormat: 'qlara', ...data },
	};
}

