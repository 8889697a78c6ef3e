#!/usr/bin/env node
// `npm run demo`: this package inside a REAL n8n (2.41.1, or N8N_VERSION; headless) against the project's Agile Telecom sandbox.
//   1. installs the runtime once (.cache/n8n-runtime, ≈3 GB, minutes the first time; instant afterwards)
//   2. builds and packs this repo and installs the .tgz under its real name into a fresh n8n user folder
//   3. starts the sandbox (test/sandbox) on 127.0.0.1 and imports a `custom` credential pointing at it
//   4. imports every examples/*.json and runs each with `n8n execute --id … --rawOutput`
//   5. starts `n8n start` and runs the credential's connection test (good key, Basic pair, wrong key)
//
// `npm run demo:editor` (or --editor): steps 1–3, then `n8n start` with the examples and the credential imported,
// an owner account set up, and the editor at http://127.0.0.1:5678 until Ctrl-C.
//
// Flags: --editor  --no-build (use the existing dist/)  --skip-credential-test  --json (one JSON line per example)
//        --keep (keep the n8n user folder)  --port N (editor)  --listen ADDRESS (editor; default 127.0.0.1)
//        --example NAME (only examples whose file name contains NAME; repeatable)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ensureRuntime } from './install.mjs';
import {
	bindToDemoCredential,
	DEMO_CREDENTIAL_NAME,
	DEMO_OWNER,
	demoCredential,
	loadExamples,
	SANDBOX_API_KEY,
	SANDBOX_BASIC,
} from './examples.mjs';
import { PACKAGE_NAME } from './paths.mjs';
import { createInstance, freePort, nodeOutput, packPackage } from './runtime.mjs';
import { startSandbox } from './sandbox.mjs';

const { values } = parseArgs({
	strict: false,
	options: {
		editor: { type: 'boolean', default: false },
		'no-build': { type: 'boolean', default: false },
		'skip-credential-test': { type: 'boolean', default: false },
		json: { type: 'boolean', default: false },
		keep: { type: 'boolean', default: false },
		port: { type: 'string' },
		listen: { type: 'string', default: '127.0.0.1' },
		example: { type: 'string', multiple: true, default: [] },
	},
});

const say = (msg = '') => process.stderr.write(`${msg}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function describeRequest(r) {
	const auth = r.headers?.['x-api-key'] ? 'X-Api-Key' : r.headers?.authorization ? 'Basic' : 'no auth';
	let body = '';
	if (r.body !== undefined && r.body !== null && r.body !== '') {
		const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
		body = ` ${text.length > 160 ? `${text.slice(0, 157)}…` : text}`;
	}
	return `${r.method} ${r.path ?? r.url} (${auth})${body}`;
}

function short(value, max = 400) {
	const text = JSON.stringify(value);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

async function prepare() {
	const t0 = Date.now();
	say('▶ n8n runtime');
	const runtime = await ensureRuntime();
	say(`▶ ${values['no-build'] ? 'packing dist/ (no build)' : 'npm run build + npm pack'}`);
	const tgz = await packPackage({ build: !values['no-build'] });
	say(`  ${path.basename(tgz)}`);
	const sandbox = await startSandbox({});
	say(`▶ Agile Telecom sandbox on ${sandbox.url} (API key "${SANDBOX_API_KEY}", Basic ${SANDBOX_BASIC.username}/${SANDBOX_BASIC.password})`);
	const env = {};
	if (values.editor) {
		env.N8N_LISTEN_ADDRESS = values.listen;
		env.N8N_HOST = values.listen === '0.0.0.0' ? '127.0.0.1' : values.listen;
	}
	const instance = await createInstance({ packageTgz: tgz, keep: values.keep, env });
	if (values.editor) {
		const wanted = Number(values.port ?? 5678);
		const port = (await isFree(wanted)) ? wanted : await freePort();
		instance.port = port;
		instance.env.N8N_PORT = String(port);
		instance.env.N8N_EDITOR_BASE_URL = `http://${instance.env.N8N_HOST}:${port}/`;
	}
	say(`▶ n8n ${runtime.n8nVersion} user folder ${instance.userFolder}`);
	const credential = demoCredential(sandbox.url);
	await instance.importCredentials([credential]);
	const examples = loadExamples(values.example);
	const workflows = examples.map((e, i) => bindToDemoCredential(e.workflow, `agileDemoWf${String(i).padStart(5, '0')}`));
	if (workflows.length) await instance.importWorkflows(workflows);
	say(`  imported the credential "${DEMO_CREDENTIAL_NAME}" and ${workflows.length} example workflow(s) [${secs(Date.now() - t0)}]`);
	return { sandbox, instance, credential, examples, workflows };
}

function isFree(port) {
	return new Promise(async (resolve) => {
		const net = await import('node:net');
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

async function runExamples({ sandbox, instance, examples, workflows }) {
	const results = [];
	if (workflows.length === 0) say('\n(no examples/*.json yet: nothing to execute)');
	for (let i = 0; i < workflows.length; i++) {
		const wf = workflows[i];
		const before = sandbox.requests.length;
		const r = await instance.execute(wf.id);
		const requests = sandbox.requests.slice(before);
		const agileNodes = wf.nodes.filter((n) => n.type?.startsWith(`${PACKAGE_NAME}.`)).map((n) => n.name);
		const outputs = Object.fromEntries(agileNodes.map((name) => [name, nodeOutput(r.run, name)]));
		const result = {
			example: examples[i].file,
			workflow: wf.name,
			ok: r.ok,
			exitCode: r.exitCode,
			signal: r.signal ?? undefined,
			ms: r.ms,
			error: r.error ? { message: r.error.message, description: r.error.description ?? undefined } : undefined,
			sandboxRequests: requests.map(describeRequest),
			outputs,
		};
		results.push(result);
		if (values.json) {
			process.stdout.write(`${JSON.stringify(result)}\n`);
			continue;
		}
		say(`\n${r.ok ? '✔' : '✘'} ${examples[i].file}: "${wf.name}" (${secs(r.ms)}, ${r.signal ? `n8n killed by ${r.signal}` : `exit ${r.exitCode}`})`);
		if (r.error) say(`  error: ${r.error.message}${r.error.description ? ` — ${r.error.description}` : ''}`);
		if (!r.run) say(`  no execution JSON printed; n8n said:\n${(r.stdout + r.stderr).slice(-1500)}`);
		for (const line of result.sandboxRequests) say(`  → sandbox: ${line}`);
		for (const [name, items] of Object.entries(outputs)) {
			if (!items) continue;
			say(`  ← ${name}: ${items.length} item(s)`);
			for (const item of items.slice(0, 3)) say(`     ${short(item)}`);
			if (items.length > 3) say(`     … ${items.length - 3} more`);
		}
	}
	return results;
}

async function credentialTest({ sandbox, instance, credential }) {
	say('\n▶ credential test through the real n8n server (POST /rest/credentials/test)');
	const server = await instance.start();
	say(`  n8n start → ready in ${secs(server.readyMs)}`);
	try {
		await server.setupOwner(DEMO_OWNER);
		const cases = [
			['API key', credential],
			['Basic auth', { ...credential, data: { ...credential.data, authType: 'basicAuth', ...SANDBOX_BASIC } }],
			['wrong API key (must be refused)', { ...credential, data: { ...credential.data, apiKey: 'wrong-key' } }],
		];
		const out = [];
		for (const [label, cred] of cases) {
			const before = sandbox.requests.length;
			const answer = await server.testCredential(cred);
			const seen = sandbox.requests.slice(before).map(describeRequest);
			out.push({ label, ...answer, sandboxRequests: seen });
			if (values.json) process.stdout.write(`${JSON.stringify({ credentialTest: label, ...answer, sandboxRequests: seen })}\n`);
			else {
				const expected = cred === cases[2][1] ? answer.status !== 'OK' : answer.status === 'OK';
				say(`  ${expected ? '✔' : '✘'} ${label}: ${answer.status} — ${answer.message}${seen.length ? ` [${seen.join('; ')}]` : ''}`);
			}
		}
		return out;
	} finally {
		await server.stop();
	}
}

async function editor(ctx) {
	const { instance, sandbox } = ctx;
	say('\n▶ n8n start (editor)');
	const server = await instance.start({ timeoutMs: 180_000 });
	await server.setupOwner(DEMO_OWNER);
	say(`
  n8n ${instance.runtime.n8nVersion} with ${PACKAGE_NAME} is ready (${(server.readyMs / 1000).toFixed(1)} s):

    editor    http://${values.listen === '0.0.0.0' ? '<this-host>' : instance.env.N8N_HOST}:${instance.port}/
    login     ${DEMO_OWNER.email} / ${DEMO_OWNER.password}
    sandbox   ${sandbox.url} (credential "${DEMO_CREDENTIAL_NAME}" already points at it)
    examples  ${ctx.workflows.length} workflow(s) imported (Overview)

  Ctrl-C stops n8n and the sandbox.`);
	let lastCount = 0;
	const ticker = setInterval(() => {
		const now = sandbox.requests.length;
		for (const r of sandbox.requests.slice(lastCount)) say(`  → sandbox: ${describeRequest(r)}`);
		lastCount = now;
	}, 1000);
	await new Promise((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
		server.process.once('close', resolve);
	});
	clearInterval(ticker);
	say('\nstopping…');
	await server.stop();
}

async function main() {
	const t0 = Date.now();
	const ctx = await prepare();
	let failed = false;
	try {
		if (values.editor) {
			await editor(ctx);
			return;
		}
		const results = await runExamples(ctx);
		failed = results.some((r) => !r.ok);
		if (!values['skip-credential-test']) {
			const tests = await credentialTest(ctx);
			// The wrong key must be refused, the two valid ones accepted.
			failed ||= tests[0].status !== 'OK' || tests[1].status !== 'OK' || tests[2].status === 'OK';
		}
		say(`\n${failed ? '✘ demo finished with failures' : '✔ demo finished'} in ${secs(Date.now() - t0)}`);
	} finally {
		await ctx.instance.dispose();
		await ctx.sandbox.close();
		if (values.keep) say(`(kept ${ctx.instance.userFolder})`);
	}
	process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((err) => {
		say(`demo failed: ${err.stack ?? err.message}`);
		process.exitCode = 1;
	});
}
