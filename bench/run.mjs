/**
 * `npm run bench` (= `npm run build:dev && node bench/run.mjs [name …]`): runs every scenario found in
 * bench/scenarios/*.mjs and prints one JSON object per line on stdout (progress goes to stderr).
 *
 * A scenario module's default export is one scenario or an array of them:
 *
 *   export default {
 *     name: 'wholesale',                 // `node bench/run.mjs wholesale` runs it and every 'wholesale-…'
 *     run: async (ctx) => [ { scenario: 'wholesale', items, requests, wall_ms, cpu_ms_per_item, peak_rss_mb, … } ],
 *   };
 *
 * Every scenario runs in a fresh Node process (so its memory figures start from a clean heap), started with
 * --expose-gc. `ctx` holds:
 *   harness        the compiled test/harness (runWorkflow, startWorkflow, sandboxCredentials, NODE_TYPE, …)
 *   AgileTelecom   the compiled node class (e.g. to build a baseline stand-in with the same description)
 *   startSandbox(options) → Promise<{ url, stats(), configure(options), reset(), stop() }>
 *                  the test/sandbox server (SandboxOptions) in a CHILD process, so the CPU it spends is not
 *                  counted in this one; stats() resolves to { requests, acceptedMessages, rejectedMessages,
 *                  acceptedParts, duplicates } where duplicates = keys accepted more than once
 *   measure(fn)    → Promise<{ result, wall_ms, cpu_ms, peak_rss_mb, rss_before_mb, rss_growth_mb }>
 *                  runs fn after a GC; cpu_ms is process.cpuUsage (user + system) of this process only;
 *                  peak RSS comes from the kernel's maxRSS when the run set a new peak, else from sampling
 *   log(text)      progress line on stderr
 *   atLeast(value, min), atMost(value, max), is(value, expected), maxInWindow(times, ms), smallestGap(times)
 *                  (./targets.mjs)
 * A scenario returns the objects to print; a thrown error prints { scenario, error } and exits non-zero.
 *
 * Targets: a result's `targets` is `{ name: { value, min | max | expected, met } }` (atLeast, atMost, is). Every
 * target not met is printed on stderr as "MISSED scenario: name value > max", and `npm run bench` exits 1.
 */
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { atLeast, atMost, is, maxInWindow, missedTargets, smallestGap } from './targets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
// BENCH_DIST: another output of `tsc -p test/tsconfig.json` (e.g. to compare two builds side by side).
const devDist = process.env.BENCH_DIST ?? join(root, '.cache', 'dev-dist');
const scenariosDir = join(here, 'scenarios');
const self = fileURLToPath(import.meta.url);

const log = (text) => process.stderr.write(`[bench] ${text}\n`);

async function loadScenarios(file) {
	const module = await import(pathToFileURL(join(scenariosDir, file)).href);
	const exported = module.default;
	const list = Array.isArray(exported) ? exported : [exported];
	for (const s of list) {
		if (!s || typeof s.name !== 'string' || typeof s.run !== 'function') {
			throw new Error(`${file}: the default export must be { name, run } or an array of them`);
		}
	}
	return list;
}

// ---------------------------------------------------------------- sandbox child process

async function sandboxChild() {
	const require = createRequire(join(root, 'package.json'));
	const { startSandbox } = require(join(devDist, 'test', 'sandbox', 'server.js'));
	let sandbox;
	process.on('message', async ({ id, command, options }) => {
		try {
			let result;
			if (command === 'start') {
				sandbox = await startSandbox({ record: false, ...options });
				result = { url: sandbox.url };
			} else if (command === 'stats') {
				result = { ...sandbox.stats, duplicates: sandbox.duplicates().length };
			} else if (command === 'configure') {
				sandbox.configure(options);
			} else if (command === 'reset') {
				sandbox.reset();
			} else if (command === 'stop') {
				await sandbox.close();
				process.send({ id, result: null }, () => process.exit(0));
				return;
			}
			process.send({ id, result });
		} catch (error) {
			process.send({ id, error: String(error?.stack ?? error) });
		}
	});
}

async function startSandboxProcess(options = {}) {
	const child = fork(self, ['--sandbox'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
	let next = 0;
	const pending = new Map();
	child.on('message', ({ id, result, error }) => {
		const p = pending.get(id);
		pending.delete(id);
		if (error) p?.reject(new Error(error));
		else p?.resolve(result);
	});
	child.on('exit', (code) => {
		for (const p of pending.values()) p.reject(new Error(`sandbox process exited (${code})`));
		pending.clear();
	});
	const call = (command, opts) =>
		new Promise((resolve, reject) => {
			const id = ++next;
			pending.set(id, { resolve, reject });
			child.send({ id, command, options: opts });
		});
	const { url } = await call('start', options);
	return {
		url,
		stats: () => call('stats'),
		configure: (o) => call('configure', o),
		reset: () => call('reset'),
		stop: () => call('stop'),
	};
}

// ---------------------------------------------------------------- measuring

const MB = 1024 * 1024;
const round = (n, digits = 1) => Number(n.toFixed(digits));

async function measure(fn) {
	globalThis.gc?.();
	globalThis.gc?.();
	const rssBefore = process.memoryUsage.rss();
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	// The sampler misses stretches where the event loop is busy; the kernel's maxRSS does not, but it is a
	// lifetime peak, so it only tells this run's peak when the run set a new one.
	let sampled = rssBefore;
	const sampler = setInterval(() => {
		sampled = Math.max(sampled, process.memoryUsage.rss());
	}, 5);
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const result = await fn();
	const wall = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	clearInterval(sampler);
	sampled = Math.max(sampled, process.memoryUsage.rss());
	const maxRssAfter = process.resourceUsage().maxRSS * 1024;
	const peak = maxRssAfter > maxRssBefore ? maxRssAfter : sampled;
	return {
		result,
		wall_ms: Math.round(wall),
		cpu_ms: (cpu.user + cpu.system) / 1000,
		peak_rss_mb: round(peak / MB),
		rss_before_mb: round(rssBefore / MB),
		rss_growth_mb: round((peak - rssBefore) / MB),
	};
}

// ---------------------------------------------------------------- one scenario (child process)

async function scenarioChild(file, index) {
	// Set before n8n-core loads: it reads them once (jest.config.js does the same for the tests).
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_USER_FOLDER ??= join(tmpdir(), 'n8n-nodes-agiletelecom-bench');
	process.env.N8N_SSRF_PROTECTION_ENABLED = 'false';
	const require = createRequire(join(root, 'package.json'));
	const harness = require(join(devDist, 'test', 'harness', 'index.js'));
	const { AgileTelecom } = require(join(devDist, 'nodes', 'AgileTelecom', 'AgileTelecom.node.js'));
	const scenario = (await loadScenarios(file))[Number(index)];
	const ctx = { harness, AgileTelecom, startSandbox: startSandboxProcess, measure, log, round, atLeast, atMost, is, maxInWindow, smallestGap };
	const missed = [];
	try {
		const results = await scenario.run(ctx);
		for (const r of results) {
			process.stdout.write(`${JSON.stringify(r)}\n`);
			missed.push(...missedTargets(r));
		}
	} catch (error) {
		process.stdout.write(`${JSON.stringify({ scenario: scenario.name, error: String(error?.message ?? error) })}\n`);
		log(String(error?.stack ?? error));
		missed.push(`${scenario.name}: failed: ${String(error?.message ?? error)}`);
	}
	for (const m of missed) log(`MISSED ${m}`);
	if (missed.length) process.exitCode = 1;
	// The parent lists every miss again at the end, after all the scenarios' progress lines.
	await new Promise((resolve) => process.send({ missed }, resolve));
}

// ---------------------------------------------------------------- main

async function main(selected) {
	const files = readdirSync(scenariosDir)
		.filter((f) => f.endsWith('.mjs'))
		.sort();
	let failed = false;
	const missed = [];
	for (const file of files) {
		const scenarios = await loadScenarios(file);
		for (let index = 0; index < scenarios.length; index++) {
			const { name } = scenarios[index];
			if (selected.length && !selected.some((s) => name === s || name.startsWith(`${s}-`))) continue;
			log(`${name} (${file})`);
			const code = await new Promise((resolve) => {
				const child = fork(self, ['--scenario', file, String(index)], {
					execArgv: ['--expose-gc'],
					stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
				});
				child.on('message', (message) => missed.push(...(message.missed ?? [])));
				child.on('exit', resolve);
			});
			if (code !== 0) {
				failed = true;
				if (!missed.some((m) => m.startsWith(`${name}:`))) missed.push(`${name}: exited with code ${code}`);
			}
		}
	}
	log(missed.length ? `${missed.length} target(s) missed:` : 'every target met');
	for (const m of missed) log(`  ${m}`);
	if (failed || missed.length) process.exitCode = 1;
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--sandbox') await sandboxChild();
else if (mode === '--scenario') await scenarioChild(rest[0], rest[1]);
else await main(process.argv.slice(2));
