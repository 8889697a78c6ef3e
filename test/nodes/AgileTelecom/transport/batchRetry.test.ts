/**
 * Issue #5, "in a batch only the request that failed is retried": Send Batch with three requests whose second one
 * gets a 429. Requests already accepted are never sent again.
 */
import { CREDENTIAL_TYPE, executeBare, sandboxCredentials } from '../../../harness';
import { startSandbox, type Sandbox } from '../../../sandbox/server';

const SEND = '/services/sms/send';
const DESTINATIONS = ['+393351111111', '+393352222222', '+393353333333'];

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

it('a 3-request batch whose 2nd request gets one 429 → requests 1 and 3 sent once, request 2 resent identically', async () => {
	sandbox.injectFaults([
		// Faults are taken in order by matching requests: the 1st request consumes this no-op delay, so the 429
		// below lands on the 2nd request.
		{ method: 'POST', path: SEND, delayMs: 1 },
		{ method: 'POST', path: SEND, status: 429, headers: { 'Retry-After': '0.1' }, body: { status: 429, message: 'Rate limit exceeded.' } },
	]);
	const output = await executeBare({
		node: {
			parameters: {
				resource: 'sms',
				operation: 'sendBatch',
				destinations: '={{ $json.to }}',
				sender: 'Agile',
				body: 'Hello',
				batching: { messagesPerRequest: 1, concurrency: 1 },
				retry: { initialDelay: 1 },
			},
		},
		credentials: { [CREDENTIAL_TYPE]: sandboxCredentials(sandbox.url) },
		items: DESTINATIONS.map((to) => ({ to })),
	});

	const sent = sandbox.requestsTo(SEND, 'POST');
	expect(sent.map((r) => r.status)).toEqual([200, 429, 200, 200]);
	const destinationsOf = (body: unknown) =>
		(body as { messages: Array<{ destinations: string[] }> }).messages.flatMap((m) => m.destinations);
	expect(sent.map((r) => destinationsOf(r.body))).toEqual([[DESTINATIONS[0]], [DESTINATIONS[1]], [DESTINATIONS[1]], [DESTINATIONS[2]]]);
	// The retry is byte-for-byte the refused request: same globalId, same messages.
	expect(sent[2].body).toEqual(sent[1].body);
	expect(sent[2].receivedAt - sent[1].receivedAt).toBeGreaterThanOrEqual(100);

	// Each SMS accepted exactly once.
	expect(sandbox.duplicates()).toEqual([]);
	expect(sandbox.stats.acceptedMessages).toBe(3);
	expect([...sandbox.messages.values()].map((m) => m.destination).sort()).toEqual([...DESTINATIONS].sort());

	const items = output?.[0] ?? [];
	expect(items).toHaveLength(3);
	for (const [index, item] of items.entries()) {
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json.accepted).toBe(true);
	}
});
