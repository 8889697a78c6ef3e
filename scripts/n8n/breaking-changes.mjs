// n8n's own breaking-change report for the next major version (n8n 2.41 ships its 3.0 rules in
// dist/modules/breaking-changes/rules/v3/), run on this package: a real n8n with the packed package installed, the
// example workflows (examples/*.json) and one workflow holding every node, resource and operation the package
// declares, then GET /rest/breaking-changes/report?version=v3 and the details of each rule that found something.
//
//   node scripts/n8n/breaking-changes.mjs [--json] [--env KEY=VALUE ...] [--no-build]
//
// Prints the findings (one block per rule; --json: the whole report as JSON) and exits 1 when a rule finds anything
// in one of the package's workflows. Instance findings (how this n8n is deployed and configured) are printed but do
// not fail: they describe the instance, not the package. --env runs the instance as configured by the user, e.g.
// `--env N8N_UNVERIFIED_PACKAGES_ENABLED=true`, the setting n8n 3.0 users need for an unverified package.
import { createRequire } from 'node:module';
import path from 'node:path';

import { bindToDemoCredential, demoCredential, loadExamples } from './examples.mjs';
import { ensureRuntime } from './install.mjs';
import { PACKAGE_NAME, REPO_ROOT } from './paths.mjs';
import { createInstance, packPackage } from './runtime.mjs';

const TARGET = 'v3';

/** The options of a node property, as the description lists them (value and name). */
function optionsOf(properties, name, resource) {
	const property = properties.find(
		(p) => p.name === name && (resource === undefined || p.displayOptions?.show?.resource?.includes(resource)),
	);
	return (property?.options ?? []).map((o) => o.value);
}

/** Every node, resource and operation the built package declares, each as a node of one workflow. */
export function declarationsWorkflow() {
	const require = createRequire(import.meta.url);
	const pkg = require(path.join(REPO_ROOT, 'package.json'));
	const nodes = [];
	for (const file of pkg.n8n.nodes) {
		const exported = require(path.join(REPO_ROOT, file));
		const NodeClass = Object.values(exported).find((value) => typeof value === 'function');
		const { description } = new NodeClass();
		const type = `${PACKAGE_NAME}.${description.name}`;
		const version = Array.isArray(description.version) ? Math.max(...description.version) : description.version;
		const resources = optionsOf(description.properties, 'resource');
		const combinations = resources.length === 0 ? [{}] : resources.flatMap((resource) =>
			optionsOf(description.properties, 'operation', resource).map((operation) => ({ resource, operation })));
		for (const parameters of combinations) {
			nodes.push({
				id: `${description.name}-${nodes.length}`,
				name: [description.displayName, parameters.resource, parameters.operation].filter(Boolean).join(' '),
				type,
				typeVersion: version,
				position: [nodes.length * 220, 0],
				parameters,
				// Lets the rule on "Always Output Data" with several outputs read the outputs this node declares.
				alwaysOutputData: true,
				...(description.group.includes('trigger') ? { webhookId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d' } : {}),
			});
		}
	}
	return { id: 'breakingDeclared', name: 'Every node and operation the package declares', nodes, connections: {} };
}

function parseArgs(argv) {
	const env = {};
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--env') {
			const [key, ...rest] = argv[++i].split('=');
			env[key] = rest.join('=');
		}
	}
	return { json: argv.includes('--json'), build: !argv.includes('--no-build'), env };
}

/** The v3 report of a started n8n, each workflow rule with its affected workflows and their issues. */
export async function breakingChangesReport(server) {
	const light = await server.request('GET', `/rest/breaking-changes/report?version=${TARGET}`);
	if (light.status !== 200) throw new Error(`GET /rest/breaking-changes/report → ${light.status}: ${light.text.slice(0, 500)}`);
	const report = light.json.data.report;
	const workflowResults = [];
	for (const result of report.workflowResults) {
		const detail = await server.request('GET', `/rest/breaking-changes/report/${result.ruleId}?version=${TARGET}`);
		workflowResults.push(detail.status === 200 ? detail.json.data : { ...result, detailError: detail.text.slice(0, 300) });
	}
	return { ...report, workflowResults };
}

/** Installs the package in a fresh n8n with the examples and the declarations workflow, and reads the report. */
export async function runBreakingChanges({ env = {}, build = true } = {}) {
	await ensureRuntime({ quiet: true });
	const tgz = await packPackage({ build });
	const n8n = await createInstance({ packageTgz: tgz, env });
	try {
		// The report reads workflows only; the credential is there so that the examples import as they are used.
		await n8n.importCredentials([demoCredential('https://lora-api.agiletelecom.com')]);
		const workflows = [
			...loadExamples().map(({ workflow }, i) => bindToDemoCredential(workflow, `breakingExample${i}`)),
			declarationsWorkflow(),
		];
		await n8n.importWorkflows(workflows);
		const server = await n8n.start();
		try {
			await server.setupOwner();
			return { report: await breakingChangesReport(server), workflows: workflows.map((w) => ({ id: w.id, name: w.name, nodes: w.nodes.length })) };
		} finally {
			await server.stop();
		}
	} finally {
		await n8n.dispose();
	}
}

function printReport({ report, workflows }) {
	const out = [`n8n breaking-change report for ${TARGET} (${report.version ?? TARGET}), on ${workflows.length} workflows:`];
	for (const w of workflows) out.push(`  - ${w.id}: ${w.name} (${w.nodes} nodes)`);
	out.push(`Instance findings (${report.instanceResults.length}):`);
	for (const r of report.instanceResults) {
		out.push(`  [${r.ruleSeverity}] ${r.ruleId}: ${r.ruleTitle}`);
		for (const issue of r.instanceIssues ?? []) out.push(`      ${issue.level}: ${issue.title}. ${issue.description}`);
		for (const rec of r.recommendations ?? []) out.push(`      → ${rec.action}: ${rec.description}`);
	}
	out.push(`Workflow findings (${report.workflowResults.length}):`);
	for (const r of report.workflowResults) {
		out.push(`  [${r.ruleSeverity}] ${r.ruleId}: ${r.ruleTitle}`);
		for (const w of r.affectedWorkflows ?? []) {
			for (const issue of w.issues ?? []) out.push(`      ${w.name}: ${issue.level}: ${issue.title}. ${issue.description}`);
		}
	}
	return out.join('\n');
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const result = await runBreakingChanges(args);
	process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${printReport(result)}\n`);
	process.exitCode = result.report.workflowResults.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main().catch((error) => {
		process.stderr.write(`${error.stack ?? error}\n`);
		process.exitCode = 2;
	});
}
