#!/usr/bin/env node
// Runs workflow file(s) in a real n8n with this package installed under its real name.
//
//   node scripts/n8n/run.mjs --workflow wf.json [--workflow wf2.json] [--credentials creds.json]
//                            [--tgz pkg.tgz | --no-package] [--build] [--keep] [--raw] [--sandbox]
//
// --sandbox: starts the project's sandbox (test/sandbox) in this process, imports the demo credential
// "Agile Telecom (sandbox)" pointing at it and binds every Agile Telecom node of the workflows to it, e.g.
//   node scripts/n8n/run.mjs --sandbox --workflow examples/check-credit-then-send.json
//
// Without --tgz the repo is packed with `npm pack` (add --build to run `npm run build` first).
// creds.json: an array of plain credential objects { id, name, type, data: { ...fields } }.
// Prints, per workflow, a JSON line { workflow, ok, exitCode, ms, error, lastNode, output } (--raw: the whole
// execution JSON). Exit code 1 when any run failed.
//
// The functions live in ./runtime.mjs; import them from there (demo, test/e2e).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { bindToDemoCredential, demoCredential } from './examples.mjs';
import { createInstance, nodeOutput, packPackage } from './runtime.mjs';
import { startSandbox } from './sandbox.mjs';

const { values } = parseArgs({
	options: {
		workflow: { type: 'string', multiple: true, default: [] },
		credentials: { type: 'string', multiple: true, default: [] },
		tgz: { type: 'string' },
		'no-package': { type: 'boolean', default: false },
		build: { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
		raw: { type: 'boolean', default: false },
		sandbox: { type: 'boolean', default: false },
	},
});

if (values.workflow.length === 0) {
	process.stderr.write('usage: node scripts/n8n/run.mjs --workflow wf.json [--credentials creds.json] [--tgz pkg.tgz]\n');
	process.exit(2);
}

const readJson = (f) => JSON.parse(readFileSync(path.resolve(f), 'utf8'));
const toList = (x) => (Array.isArray(x) ? x : [x]);

const tgz = values['no-package'] ? undefined : (values.tgz ?? (await packPackage({ build: values.build })));
const n8n = await createInstance({ packageTgz: tgz, keep: values.keep });
process.stderr.write(`[run] user folder ${n8n.userFolder}${tgz ? `, package ${tgz}` : ''}\n`);
let failed = false;
const sandbox = values.sandbox ? await startSandbox({}) : undefined;
if (sandbox) process.stderr.write(`[run] sandbox ${sandbox.url}\n`);
try {
	const creds = values.credentials.flatMap((f) => toList(readJson(f)));
	if (sandbox) creds.push(demoCredential(sandbox.url));
	if (creds.length) await n8n.importCredentials(creds);
	let wfs = values.workflow.flatMap((f) => toList(readJson(f)));
	if (sandbox) wfs = wfs.map((w, i) => bindToDemoCredential(w, `runWorkflow${String(i).padStart(5, '0')}`));
	const workflows = await n8n.importWorkflows(wfs);
	for (const wf of workflows) {
		const r = await n8n.execute(wf.id);
		failed ||= !r.ok;
		if (values.raw) {
			process.stdout.write(`${JSON.stringify(r.run, null, 2)}\n`);
			continue;
		}
		const lastNode = r.run?.data?.resultData?.lastNodeExecuted;
		process.stdout.write(
			`${JSON.stringify({
				workflow: wf.name ?? wf.id,
				ok: r.ok,
				exitCode: r.exitCode,
				signal: r.signal ?? undefined,
				ms: r.ms,
				error: r.error ? { message: r.error.message, description: r.error.description, node: r.error.node?.name } : undefined,
				lastNode,
				output: lastNode ? nodeOutput(r.run, lastNode) : undefined,
				sandboxRequests: sandbox?.requests.map((q) => `${q.method} ${q.path}`),
			})}\n`,
		);
		if (!r.run) process.stderr.write(`[run] no execution JSON in stdout; last output:\n${(r.stdout + r.stderr).slice(-3000)}\n`);
	}
} finally {
	await sandbox?.close();
	await n8n.dispose();
	if (values.keep) process.stderr.write(`[run] kept ${n8n.userFolder}\n`);
}
process.exitCode = failed ? 1 : 0;
