/**
 * Send (Qlara): 1,000 items, one request each, through n8n-core's engine against the sandbox enforcing Qlara's
 * documented production limit (agile-api.md §9): token buckets of 50 per second and 1,000 per minute, each
 * starting full, answering 429 with Retry-After / retryAfter (at least 1 s) beyond them.
 *
 * Why these numbers: they are the real production limits, and they keep the run near 22 s. 1,000 items fit the
 * full per-minute bucket, so the per-second window is the binding one: allowed_rps = 50. (A bucket that starts
 * full would let the first 50 go at once; the node does not spend that burst, it spaces requests evenly at its
 * ceiling, which also stays inside a fixed one-second window.) Every answer takes 50 ms, so 50/s needs 2.5
 * requests in flight; the node runs up to 10.
 *
 *   qlara             node ceiling = the account's limit (50/s): target achieved_rps ≥ 90 % of 50, no 429
 *   qlara-over-limit  node ceiling twice the limit (100/s): 429s happen; every worker backs off together for
 *                     the requested wait, nothing is lost or sent twice
 *   qlara-stall       as `qlara`, while this process's event loop is blocked for 150 ms every second (a busy
 *                     n8n main thread): the slots that fell due meanwhile must not leave together
 *
 * Targets of every scenario: nothing lost, nothing sent twice, output in input order. Of `qlara` and
 * `qlara-stall` in addition: achieved_rps ≥ 90 % of the limit (with the stall: of the limit over the time the
 * event loop is free, 90 % × 50 × 0.85 = 38.25), no 429, and, on the times the node's rate
 * limiter let each request go (released_*; recorded by wrapping RateLimiter.acquire, so they are the node's
 * own decisions and not what the shared event loop made of them on arrival): at most 50 within any one
 * second, and no two less than a quarter of an interval (5 ms) apart.
 *
 * The sandbox runs in THIS process (not ctx.startSandbox's child) because the figures need its request log:
 * arrival times and statuses. Its work shares the event loop with the node, which can only make the node late.
 *
 * requests, http_429: counted from the sandbox's log; duplicates: message ids the sandbox accepted more than
 * once; lost: items without an accepted, distinct id in the output (accepted_by_sandbox cross-checks it).
 * achieved_rps = accepted items / send window, from the first request reaching the sandbox to the end of the
 *   run: the rate the node keeps while it is sending, which is what the ceiling and the back-off decide.
 * overall_rps = accepted items / wall_ms, which adds time_to_first_request_ms: engine start-up and n8n resolving
 *   the per-item expressions of all items (validation happens before anything is sent).
 * arrivals_max_in_any_second: the same count on the sandbox's arrival times, for information: a blocked event
 *   loop delays the sandbox's reading too, so arrivals bunch even when the releases did not.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const devDist = process.env.BENCH_DIST ?? join(root, '.cache', 'dev-dist');
const requireDist = createRequire(join(root, 'package.json'));
const { startSandbox } = requireDist(join(devDist, 'test', 'sandbox', 'server.js'));
// The module instance the compiled node uses (same path, same require cache).
const { RateLimiter } = requireDist(join(devDist, 'nodes', 'AgileTelecom', 'helpers', 'rateLimiter.js'));

const ITEMS = 1000;
const PER_SECOND = 50;
const PER_MINUTE = 1000;
const LATENCY_MS = 50;
const CONCURRENCY = 10;
const STALL = { everyMs: 1000, blockMs: 150 };

function makeItems(count) {
	const items = new Array(count);
	for (let i = 0; i < count; i++) {
		items[i] = { phone: `+39 335 ${String(1000000 + i)}`, name: `Customer ${i}`, order: `A-${10000 + i}` };
	}
	return items;
}

function parameters(maxRequestsPerSecond) {
	return {
		resource: 'sms',
		operation: 'send',
		destination: '={{ $json.phone }}',
		sender: 'MyShop',
		body: 'Hello {name}, your order {order} has shipped.',
		options: {
			placeholders: {
				placeholder: [
					{ name: 'name', value: '={{ $json.name }}' },
					{ name: 'order', value: '={{ $json.order }}' },
				],
			},
		},
		throughput: { maxConcurrency: CONCURRENCY, maxRequestsPerSecond },
	};
}

/** Records when each acquire() of any RateLimiter resolves, i.e. when the node lets a request go. */
function recordReleases() {
	const releases = [];
	const acquire = RateLimiter.prototype.acquire;
	RateLimiter.prototype.acquire = async function () {
		await acquire.call(this);
		releases.push(performance.now());
	};
	return { releases, restore: () => (RateLimiter.prototype.acquire = acquire) };
}

/** Blocks this process's event loop for `blockMs` every `everyMs`, as a busy n8n main thread would. */
function stallEventLoop({ everyMs, blockMs }) {
	const timer = setInterval(() => {
		const until = performance.now() + blockMs;
		while (performance.now() < until) {
			// busy: no timer, no I/O callback runs meanwhile
		}
	}, everyMs);
	return () => clearInterval(timer);
}

async function runWorkflow(ctx, sandbox, items, nodeRate, stall) {
	const stopStalling = stall ? stallEventLoop(stall) : () => {};
	try {
		return await ctx.measure(() =>
			ctx.harness.runWorkflow({
				node: { parameters: parameters(nodeRate) },
				credentials: { agileTelecomApi: ctx.harness.sandboxCredentials(sandbox.url, { customApiFormat: 'qlara' }) },
				items,
			}),
		);
	} finally {
		stopStalling();
	}
}

function targets(ctx, figures, strict, nodeRate, stall) {
	const common = {
		lost: ctx.atMost(figures.lost, 0),
		duplicates: ctx.atMost(figures.duplicates, 0),
		output_in_input_order: ctx.is(figures.output_in_input_order, true),
	};
	if (!strict) return common;
	return {
		...common,
		// With a stalled event loop: 90 % of the rate over the time the loop was free to send.
		achieved_rps: ctx.atLeast(figures.achieved_rps, ctx.round(0.9 * PER_SECOND * (stall ? 1 - stall.blockMs / stall.everyMs : 1), 2)),
		http_429: ctx.atMost(figures.http_429, 0),
		released_max_in_any_second: ctx.atMost(figures.released_max_in_any_second, nodeRate),
		released_smallest_gap_ms: ctx.atLeast(figures.released_smallest_gap_ms, 1000 / nodeRate / 4),
	};
}

async function run(ctx, scenario, nodeRate, { strict = true, stall } = {}) {
	const sandbox = await startSandbox({
		rateLimit: { perSecond: PER_SECOND, perMinute: PER_MINUTE },
		latencyMs: LATENCY_MS,
		recordBodies: false,
	});
	const recorder = recordReleases();
	try {
		const items = makeItems(ITEMS);
		ctx.log(`${scenario}: ${ITEMS} items, node ceiling ${nodeRate}/s, sandbox ${PER_SECOND}/s and ${PER_MINUTE}/min${stall ? `, event loop blocked ${stall.blockMs} ms every ${stall.everyMs} ms` : ''}`);
		const startedAt = Date.now();
		const { result, wall_ms } = await runWorkflow(ctx, sandbox, items, nodeRate, stall);
		const endedAt = Date.now();
		if (result.status !== 'success') {
			throw new Error(`the workflow failed: ${result.error?.message ?? result.status}`);
		}
		const requests = sandbox.requests;
		const output = result.output ?? [];
		const ids = new Set(output.filter((i) => i.json.accepted === true).map((i) => i.json.messageId));
		const inOrder =
			output.length === ITEMS && output.every((item, n) => item.json.destination === items[n].phone.replace(/\s/g, ''));
		const firstRequestAt = requests[0]?.receivedAt ?? endedAt;
		const allowed_rps = PER_SECOND;
		const achieved_rps = ctx.round(ids.size / ((endedAt - firstRequestAt) / 1000), 1);
		const figures = {
			scenario,
			items: ITEMS,
			requests: requests.length,
			wall_ms,
			achieved_rps,
			allowed_rps,
			achieved_ratio: ctx.round(achieved_rps / allowed_rps, 3),
			http_429: requests.filter((r) => r.status === 429).length,
			duplicates: sandbox.duplicates().length,
			lost: ITEMS - ids.size,
			accepted_by_sandbox: sandbox.deliveries.size,
			output_in_input_order: inOrder,
			released_max_in_any_second: ctx.maxInWindow(recorder.releases, 1000),
			released_smallest_gap_ms: ctx.round(ctx.smallestGap(recorder.releases), 2),
			arrivals_max_in_any_second: ctx.maxInWindow(requests.map((r) => r.receivedAt), 1000),
			time_to_first_request_ms: firstRequestAt - startedAt,
			send_window_ms: endedAt - firstRequestAt,
			overall_rps: ctx.round(ids.size / (wall_ms / 1000), 1),
			node_max_rps: nodeRate,
			max_concurrency: CONCURRENCY,
			latency_ms: LATENCY_MS,
			...(stall ? { stall_every_ms: stall.everyMs, stall_block_ms: stall.blockMs } : {}),
		};
		return [{ ...figures, targets: targets(ctx, figures, strict, nodeRate, stall) }];
	} finally {
		recorder.restore();
		await sandbox.close();
	}
}

export default [
	{ name: 'qlara', run: (ctx) => run(ctx, 'qlara', PER_SECOND) },
	{ name: 'qlara-over-limit', run: (ctx) => run(ctx, 'qlara-over-limit', PER_SECOND * 2, { strict: false }) },
	{ name: 'qlara-stall', run: (ctx) => run(ctx, 'qlara-stall', PER_SECOND, { stall: STALL }) },
];
