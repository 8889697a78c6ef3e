#!/usr/bin/env node
// `npm run bench:dedup`: what Deduplication Across Executions costs inside a REAL n8n (2.41.1 by default,
// N8N_VERSION=1.123.81 for 1.x). n8n's store keeps ONE row per workflow and context (here: the node) holding the
// md5 of every key as a JSON array, read, changed and written back whole by every checkProcessedAndRecord and
// removeProcessed. What that costs is measured here, with the node's list filled by the node itself.
//
//   baseline       Send Batch, 100 new items, no Deduplication Key                        (the reference)
//   keyed          the same 100 items with Deduplication Key `={{ $json.orderId }}`, Keys to Keep 100,000,
//                  when the node's list holds ≈0, 10,000 and 100,000 keys (--reps executions each)
//   fill           the executions that fill the list to 10,000 and 100,000 keys (one each)
//   repeat         the last 100 keys again at 100,000: every item skipped, nothing sent
//   release        100 new keys at 100,000, every destination refused (403 inside a 200): the keys released
//   bulk           100,000 new keyed items in one execution (one check of 100,000 keys against an empty list),
//                  against the same 100,000 items without a key (bulk-baseline)
//
// One JSON line per execution on stdout (`phase`, `keys_before`, `node_ms`, the store's row and database size
// after it), then one `summary` line per level with the median node time, the overhead over the baseline and the
// targets; progress on stderr. Exit 1 when a check or a target is missed (each miss is named on stderr).
//
// Flags: --no-build (pack the existing dist/)  --reps N (default 3)  --keep (keep the n8n user folder)
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { atMost, missedTargets } from '../../bench/targets.mjs';
import { demoCredential } from './examples.mjs';
import { ensureRuntime } from './install.mjs';
import { N8N_PREFIX, PACKAGE_NAME } from './paths.mjs';
import { createInstance, nodeOutput, packPackage } from './runtime.mjs';
import { startSandbox } from './sandbox.mjs';

// ---------------------------------------------------------------- targets (from the measurements in the README)
// Set from runs on a 2-core machine shared by other jobs (load 10–15), where one execution's node time varies by
// ±500 ms: the bounds catch a cost that grows out of proportion (a list of a million keys, a store that reads
// every key for every item), not a few hundred milliseconds.
const TARGETS = {
	/** Extra node time (median) of an execution of 100 keyed items over the same items without a key, by keys held. */
	overheadMs: { 0: 500, 10000: 500, 100000: 1500 },
	/** Node time of 100 keyed items at 100,000 keys, all refused: recording, then releasing them. */
	releaseMs: 6000,
	/** The store's row, per key held (an md5 in base64 is 24 characters, plus quotes and a comma). */
	rowBytesPerKey: 30,
	/** Extra node time of one execution of 100,000 new keys over the same items without a key. */
	bulkOverheadMs: 8000,
};

// ---------------------------------------------------------------- the workflows
const LATENCY_MS = 20;
const ITEMS = 100;
const HISTORY = 100000;
const LEVELS = [0, 10000, 100000];
const MEASURED = 'Measured';
const NODE_TYPE = `${PACKAGE_NAME}.agileTelecom`;
const DEDUPLICATION = { key: '={{ $json.orderId }}', historySize: HISTORY, scope: 'node' };

/** Destination of order n: one number per order, so no SMS is sent twice by the benchmark itself. */
const phone = (n) => `+39335${String(1000000 + n)}`;

/**
 * The rows of an execution come from the environment of the `n8n execute` process (BENCH_FROM, BENCH_COUNT): the
 * same workflow, so the same node and the same list in n8n's store, sends new orders every time.
 */
const ROWS_EXPRESSION =
	'={{ JSON.stringify({ rows: Array.from({ length: Number($env.BENCH_COUNT) }, (_, i) => { const n = Number($env.BENCH_FROM) + i; ' +
	"return { orderId: 'order-' + n, to: '+39335' + String(1000000 + n), text: 'Your order ' + n + ' has shipped.' }; }) }) }}";

function workflow(id, name, deduplication) {
	const measured = {
		name: MEASURED,
		type: NODE_TYPE,
		typeVersion: 1.1,
		parameters: {
			resource: 'sms',
			operation: 'sendBatch',
			sender: 'InfoSMS',
			destinations: '={{ $json.to }}',
			body: '={{ $json.text }}',
			...(deduplication ? { deduplication } : {}),
		},
	};
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{ name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: ROWS_EXPRESSION, options: {} } },
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
		measured,
	].map((node, i) => ({ id: `${id}-${i}`, position: [220 * i, 0], ...node }));
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

const WORKFLOWS = {
	plain: workflow('benchDedupPlain0', 'bench:dedup without key'),
	keyed: workflow('benchDedupKeyed0', 'bench:dedup keyed', DEDUPLICATION),
	bulk: workflow('benchDedupBulk00', 'bench:dedup bulk', DEDUPLICATION),
};

// ---------------------------------------------------------------- n8n's store, read from its SQLite database

/**
 * The store's rows and the database's size, read between executions (n8n is not running then) with the sqlite3
 * module n8n itself ships, built for the runtime's Node 24: no sqlite3 CLI needed.
 */
function readStore(runtime, userFolder) {
	const database = path.join(userFolder, '.n8n', 'database.sqlite');
	const script = `
		const sqlite3 = require(${JSON.stringify(path.join(N8N_PREFIX, 'node_modules', 'sqlite3'))});
		const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
		const all = (sql) => new Promise((ok, ko) => db.all(sql, (e, rows) => (e ? ko(e) : ok(rows))));
		(async () => {
			const rows = await all("SELECT workflowId, context, length(value) AS bytes, json_array_length(value, '$.data') AS keys FROM processed_data");
			const [{ page_size }] = await all('PRAGMA page_size');
			const [{ page_count }] = await all('PRAGMA page_count');
			const [{ freelist_count }] = await all('PRAGMA freelist_count');
			process.stdout.write(JSON.stringify({ rows, usedBytes: (page_count - freelist_count) * page_size }));
			db.close();
		})().catch((e) => { process.stderr.write(String(e.stack)); process.exit(1); });`;
	return new Promise((resolve, reject) => {
		const child = spawn(runtime.nodeBinary, ['-e', script, database], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (err += c));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`reading ${database} failed: ${err}`));
			const fileBytes = ['', '-wal'].reduce((sum, suffix) => sum + (statSync(database + suffix, { throwIfNoEntry: false })?.size ?? 0), 0);
			resolve({ ...JSON.parse(out), fileBytes });
		});
	});
}

/** The row of one workflow's node list (`context` n:<node id>), or zeros before the first key. */
function listOf(store, workflowId) {
	const row = store.rows.find((r) => r.workflowId === workflowId && r.context.startsWith('n:'));
	return { keys: row?.keys ?? 0, bytes: row?.bytes ?? 0 };
}

// ---------------------------------------------------------------- one execution

const executionTime = (run) => run?.data?.resultData?.runData?.[MEASURED]?.[0]?.executionTime ?? null;
const median = (values) => {
	const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
	return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};

/**
 * Runs `workflow` for orders [from, from + count) and checks what came out: `expect` says how many items are
 * accepted and skipped, whether the node fails, and how many keys the list holds afterwards.
 */
async function measure(ctx, { phase, workflow, from, count, expect, refuse = false }) {
	const { instance, sandbox, runtime } = ctx;
	const before = listOf(await readStore(runtime, instance.userFolder), workflow.id);
	sandbox.reset();
	if (refuse) sandbox.configure({ rejections: Object.fromEntries(Array.from({ length: count }, (_, i) => [phone(from + i), 403])) });
	Object.assign(instance.env, { BENCH_FROM: String(from), BENCH_COUNT: String(count) });
	const r = await instance.execute(workflow.id, { timeoutMs: 20 * 60_000, largeOutput: true });
	const output = nodeOutput(r.run, MEASURED) ?? [];
	const store = await readStore(runtime, instance.userFolder);
	const after = listOf(store, workflow.id);
	const line = {
		phase,
		n8n: runtime.n8nVersion,
		items: count,
		keys_before: before.keys,
		node_ms: executionTime(r.run),
		cli_ms: r.ms,
		accepted_items: output.filter((j) => j.accepted === true).length,
		skipped_items: output.filter((j) => j.skipped === true).length,
		deliveries: sandbox.stats.acceptedMessages,
		duplicates: sandbox.duplicates().length,
		keys_after: after.keys,
		row_bytes: after.bytes,
		row_bytes_per_key: after.keys ? Number((after.bytes / after.keys).toFixed(1)) : null,
		db_used_bytes: store.usedBytes,
		db_file_bytes: store.fileBytes,
	};
	if (!r.ok) line.error = r.error?.message ?? `n8n exited ${r.exitCode}: ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')}`;
	line.checks = checksOf(line, expect);
	if (refuse) sandbox.configure({ rejections: {} });
	process.stdout.write(`${JSON.stringify(line)}\n`);
	return line;
}

/** What every execution must show, whatever its time: the items' verdicts, the sandbox's count, the list's size. */
function checksOf(line, expect) {
	const exactly = (value, expected) => ({ value, expected, met: value === expected });
	return {
		// A refused SMS fails the node (no continue-on-fail): the error is expected, and names the refusal.
		errors: expect.error ? { value: line.error ?? null, expected: String(expect.error), met: expect.error.test(line.error ?? '') } : exactly(line.error ? 1 : 0, 0),
		accepted_items: exactly(line.accepted_items, expect.accepted ?? 0),
		skipped_items: exactly(line.skipped_items, expect.skipped ?? 0),
		deliveries: exactly(line.deliveries, expect.accepted ?? 0),
		duplicates: exactly(line.duplicates, 0),
		...(expect.keys === undefined ? {} : { keys_after: exactly(line.keys_after, expect.keys) }),
	};
}

// ---------------------------------------------------------------- the plan

/** Hands out order numbers that were never sent before in this run. */
function orders() {
	let next = 0;
	return (count) => {
		const from = next;
		next += count;
		return from;
	};
}

/** Executions of 100 new items at ≈0, 10,000 and 100,000 keys, the fills between them, repeat and release. */
async function keyedPlan(ctx, take, lines) {
	const { plain, keyed } = WORKFLOWS;
	let held = 0;
	const levels = [];
	for (let rep = 0; rep < ctx.reps; rep++) lines.push(await measure(ctx, { phase: 'baseline', workflow: plain, from: take(ITEMS), count: ITEMS, expect: { accepted: ITEMS } }));
	for (const level of LEVELS) {
		if (level > held) {
			const count = level - held;
			lines.push(await measure(ctx, { phase: `fill-to-${level}`, workflow: keyed, from: take(count), count, expect: { accepted: count, keys: level } }));
			held = level;
		}
		const runs = [];
		for (let rep = 0; rep < ctx.reps; rep++) {
			held = Math.min(HISTORY, held + ITEMS);
			const from = take(ITEMS);
			runs.push(await measure(ctx, { phase: 'keyed', workflow: keyed, from, count: ITEMS, expect: { accepted: ITEMS, keys: held } }));
			ctx.lastKeyed = from;
		}
		// The same 100 keys again: the check alone, nothing sent.
		const repeat = await measure(ctx, { phase: 'repeat', workflow: keyed, from: ctx.lastKeyed, count: ITEMS, expect: { skipped: ITEMS, keys: held } });
		lines.push(...runs, repeat);
		levels.push({ level, runs, repeat });
	}
	// Every destination refused: the node fails (no continue-on-fail) after releasing the 100 keys. Recording
	// trimmed the 100 oldest keys to make room, so the list ends 100 short of full.
	const release = await measure(ctx, { phase: 'release', workflow: keyed, from: take(ITEMS), count: ITEMS, refuse: true, expect: { error: /did not accept/, keys: held - ITEMS } });
	lines.push(release);
	return { levels, release };
}

async function bulkPlan(ctx, take, lines) {
	const bulkBaseline = await measure(ctx, { phase: 'bulk-baseline', workflow: WORKFLOWS.plain, from: take(HISTORY), count: HISTORY, expect: { accepted: HISTORY } });
	const bulk = await measure(ctx, { phase: 'bulk', workflow: WORKFLOWS.bulk, from: take(HISTORY), count: HISTORY, expect: { accepted: HISTORY, keys: HISTORY } });
	lines.push(bulkBaseline, bulk);
	return { bulkBaseline, bulk };
}

function summaries(lines, levels, release, bulk, runtime) {
	const baselineMs = median(lines.filter((l) => l.phase === 'baseline').map((l) => l.node_ms));
	const out = levels.map(({ level, runs, repeat }) => {
		const keyedMs = median(runs.map((l) => l.node_ms));
		const overhead = keyedMs === null || baselineMs === null ? null : keyedMs - baselineMs;
		const last = runs.at(-1);
		return {
			summary: `keyed-at-${level}`,
			n8n: runtime.n8nVersion,
			items: ITEMS,
			keys_held: level,
			baseline_ms: baselineMs,
			keyed_ms: keyedMs,
			overhead_ms: overhead,
			baseline_runs_ms: lines.filter((l) => l.phase === 'baseline').map((l) => l.node_ms),
			keyed_runs_ms: runs.map((l) => l.node_ms),
			repeat_ms: repeat.node_ms,
			release_ms: level === HISTORY ? release.node_ms : undefined,
			row_bytes: last?.row_bytes ?? null,
			db_used_bytes: last?.db_used_bytes ?? null,
			targets: {
				overhead_ms: atMost(overhead, TARGETS.overheadMs[level]),
				...(level === HISTORY ? { release_ms: atMost(release.node_ms, TARGETS.releaseMs) } : {}),
				...(level ? { row_bytes_per_key: atMost(last?.row_bytes_per_key, TARGETS.rowBytesPerKey) } : {}),
			},
		};
	});
	const bulkOverhead = bulk.bulk.node_ms === null || bulk.bulkBaseline.node_ms === null ? null : bulk.bulk.node_ms - bulk.bulkBaseline.node_ms;
	out.push({
		summary: 'bulk-100000',
		n8n: runtime.n8nVersion,
		items: HISTORY,
		baseline_ms: bulk.bulkBaseline.node_ms,
		keyed_ms: bulk.bulk.node_ms,
		overhead_ms: bulkOverhead,
		row_bytes: bulk.bulk.row_bytes,
		targets: { overhead_ms: atMost(bulkOverhead, TARGETS.bulkOverheadMs) },
	});
	return out;
}

// ---------------------------------------------------------------- main

const { values } = parseArgs({
	options: {
		'no-build': { type: 'boolean', default: false },
		reps: { type: 'string', default: '3' },
		keep: { type: 'boolean', default: false },
	},
});

const log = (text) => process.stderr.write(`[bench:dedup] ${text}\n`);

async function main() {
	const runtime = await ensureRuntime({ quiet: true });
	log(values['no-build'] ? 'npm pack (existing dist/)' : 'npm run build + npm pack');
	const tgz = await packPackage({ build: !values['no-build'] });
	const sandbox = await startSandbox({ latencyMs: LATENCY_MS });
	// $env feeds the rows; no execution data is kept, so the database grows by the store alone.
	const env = { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', EXECUTIONS_DATA_SAVE_ON_ERROR: 'none', EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false' };
	const instance = await createInstance({ packageTgz: tgz, keep: values.keep, env });
	const ctx = { runtime, sandbox, instance, reps: Math.max(1, Number(values.reps)) };
	const missed = [];
	try {
		const credential = demoCredential(sandbox.url);
		await instance.importCredentials([credential]);
		const bound = Object.values(WORKFLOWS).map((w) => ({
			...w,
			nodes: w.nodes.map((n) => (n.name === MEASURED ? { ...n, credentials: { agileTelecomApi: { id: credential.id, name: credential.name } } } : n)),
		}));
		await instance.importWorkflows(bound);
		log(`n8n ${runtime.n8nVersion}, sandbox ${sandbox.url} (${LATENCY_MS} ms latency), user folder ${instance.userFolder}`);
		const lines = [];
		const take = orders();
		const { levels, release } = await keyedPlan(ctx, take, lines);
		const bulk = await bulkPlan(ctx, take, lines);
		for (const line of lines) missed.push(...failedChecks(line));
		for (const summary of summaries(lines, levels, release, bulk, runtime)) {
			process.stdout.write(`${JSON.stringify(summary)}\n`);
			missed.push(...missedTargets({ ...summary, scenario: summary.summary }));
		}
	} finally {
		await instance.dispose();
		await sandbox.close();
	}
	for (const m of missed) log(`MISSED ${m}`);
	log(missed.length ? `${missed.length} check(s) or target(s) missed` : 'every check and target met');
	process.exitCode = missed.length ? 1 : 0;
}

function failedChecks(line) {
	return Object.entries(line.checks)
		.filter(([, c]) => !c.met)
		.map(([name, c]) => `${line.phase} (${line.keys_before} keys before): ${name} ${c.value} instead of ${c.expected}${line.error ? ` (${line.error})` : ''}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((error) => {
		log(`failed: ${error.stack ?? error.message}`);
		process.exitCode = 1;
	});
}
