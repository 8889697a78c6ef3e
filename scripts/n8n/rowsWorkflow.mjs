// The workflow a user builds to send to a list, for the e2e tests: Manual Trigger → Edit Fields (the rows) →
// Split Out (one item per row) → Agile Telecom (named "Agile"), optionally → No Op ("After"), plus nodes that are
// not connected at all. And the count of what the sandbox delivered, per destination.
export const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';

/**
 * `parameters` and `settings` (onError, retryOnFail …) of the Agile Telecom node, its `credential` ({ id, name }),
 * the `rows` to send, `downstream` to connect a No Op after it, `unconnected` nodes to add as they are.
 */
export function rowsWorkflow(id, { parameters, credential, settings = {}, rows, downstream = false, unconnected = [] }) {
	const nodes = [
		{ id: `${id}-t`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: `${id}-r`, name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }) } },
		{ id: `${id}-s`, name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
		{
			id: `${id}-a`,
			name: 'Agile',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [600, 0],
			parameters,
			credentials: { agileTelecomApi: { id: credential.id, name: credential.name } },
			...settings,
		},
		...unconnected,
	];
	const connections = {
		Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
		Rows: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: 'Agile', type: 'main', index: 0 }]] },
	};
	if (downstream) {
		nodes.push({ id: `${id}-n`, name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [800, 0], parameters: {} });
		connections.Agile = { main: [[{ node: 'After', type: 'main', index: 0 }]] };
	}
	return { id, name: id, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** How many times the sandbox accepted each destination, whatever the ids: what each phone's owner received. */
export function deliveredTo(sandbox) {
	const counts = {};
	for (const [key, n] of sandbox.contentDeliveries) {
		const destination = key.split(' ← ')[0];
		counts[destination] = (counts[destination] ?? 0) + n;
	}
	return counts;
}
