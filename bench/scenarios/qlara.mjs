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
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const { startSandbox } = createRequire(join(root, 'package.json'))(
	join(root, '.cache', 'dev-dist', 'test', 'sandbox', 'server.js'),
);

const ITEMS = 1000;
const PER_SECOND = 50;
const PER_MINUTE = 1000;
const LATENCY_MS = 50;
const CONCURRENCY = 10;

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

async function run(ctx, scenario, nodeRate) {
	const sandbox = await startSandbox({
		rateLimit: { perSecond: PER_SECOND, perMinute: PER_MINUTE },
		latencyMs: LATENCY_MS,
		recordBodies: false,
	});
	try {
		const items = makeItems(ITEMS);
		ctx.log(`${scenario}: ${ITEMS} items, node ceiling ${nodeRate}/s, sandbox ${PER_SECOND}/s and ${PER_MINUTE}/min`);
		const startedAt = Date.now();
		const { result, wall_ms } = await ctx.measure(() =>
			ctx.harness.runWorkflow({
				node: { parameters: parameters(nodeRate) },
				credentials: { agileTelecomApi: ctx.harness.sandboxCredentials(sandbox.url) },
				items,
			}),
		);
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
		return [
			{
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
				time_to_first_request_ms: firstRequestAt - startedAt,
				send_window_ms: endedAt - firstRequestAt,
				overall_rps: ctx.round(ids.size / (wall_ms / 1000), 1),
				node_max_rps: nodeRate,
				max_concurrency: CONCURRENCY,
				latency_ms: LATENCY_MS,
			},
		];
	} finally {
		await sandbox.close();
	}
}

export default [
	{ name: 'qlara', run: (ctx) => run(ctx, 'qlara', PER_SECOND) },
	{ name: 'qlara-over-limit', run: (ctx) => run(ctx, 'qlara-over-limit', PER_SECOND * 2) },
];
