/**
 * Runs the Agile Telecom node inside n8n-core's real engine (n8n-notes §9): trigger → our node [→ pass-through],
 * with the credential's real `authenticate`, n8n-core's real HTTP stack, `onError`, `retryOnFail`, expressions.
 *
 * Engine facts tests must count with (n8n-notes §9.4):
 * 1. n8n-core replays a 401 once (`httpRequestWithAuthentication` → preAuthentication retry), but only when the
 *    request THROWS on it. Our transport always sends `ignoreHttpStatusErrors: true`, so nothing throws and a 401
 *    reaches the sandbox exactly once (harness.test.ts checks it). A call made without that option would reach
 *    it twice unless it passes `{ preAuthenticationRetryStatusCode: [] }`.
 * 2. The engine back-fills `pairedItem`; assert pairedItem on `executeBare` output.
 * 3. `run.data.resultData.error` is a spread copy: assert `name`/`httpCode`, not `instanceof`
 *    (use `executeBare` for real instances).
 * 4. `retryOnFail`: maxTries clamped to [2, 5]; `waitBetweenTries: 0` means 1000 ms — use 10 in tests.
 * 5. A node that throws while `onError` continues is still `status: 'error'` when it is the last node;
 *    pass `downstream: true` to add a node after it.
 */
import { ExecuteContext, ExecutionLifecycleHooks, ExternalSecretsProxy, SupplyDataContext, WorkflowExecute } from 'n8n-core';
// n8n-core's own tool invocation (its index does not export it): the loop an AI Agent calls a tool node through.
import { makeHandleToolInvocation } from 'n8n-core/dist/execution-engine/node-execution-context/utils/get-input-connection-data';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	ITaskData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow, createEmptyRunExecutionData, createRunExecutionData, sleep } from 'n8n-workflow';

import { AgileTelecomApi } from '../../credentials/AgileTelecomApi.credentials';
import { AgileTelecom } from '../../nodes/AgileTelecom/AgileTelecom.node';
import { TestCredentialsHelper } from './credentials-helper';
import { TRIGGER_ITEMS_PARAMETER, TestNodeTypes, manualTrigger, passThrough } from './test-nodes';

export { TestCredentialsHelper } from './credentials-helper';
export { TestNodeTypes, manualTrigger, passThrough } from './test-nodes';

export const NODE_TYPE = 'n8n-nodes-agiletelecom.agileTelecom';
export const CREDENTIAL_TYPE = 'agileTelecomApi';
export const TRIGGER_TYPE = 'n8n-nodes-agiletelecom-test.testTrigger';
export const PASS_THROUGH_TYPE = 'n8n-nodes-agiletelecom-test.testPassThrough';
export const TRIGGER_NAME = 'Trigger';
export const NODE_NAME = 'Agile Telecom';
export const DOWNSTREAM_NAME = 'After';

export interface HarnessNodeOptions {
	parameters: INodeParameters;
	/** Default 'Agile Telecom'. */
	name?: string;
	onError?: INode['onError'];
	continueOnFail?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	alwaysOutputData?: boolean;
	typeVersion?: number;
}

export interface HarnessOptions {
	node: HarnessNodeOptions;
	/** Plain credential data per type, e.g. `{ agileTelecomApi: sandboxCredentials(sandbox.url) }`. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The JSON of the items the trigger emits (default one empty item). */
	items?: IDataObject[];
	/** Add a pass-through node after ours (engine-level continue semantics, pitfall 5). */
	downstream?: boolean;
	/**
	 * Feed our node twice in one execution, as a loop does: straight from the trigger and again through a
	 * pass-through node ("Via"), so it runs with run index 0 and then 1.
	 */
	twice?: boolean;
	/** Replace the node implementation (default `new AgileTelecom()`). */
	nodeType?: INodeType;
	/** Extra credential types (default: only agileTelecomApi). */
	credentialTypes?: Record<string, ICredentialType>;
}

export interface HarnessRun {
	run: IRun;
	status: IRun['status'];
	/** Main output 0 of our node's first run, undefined when it produced none. */
	output: INodeExecutionData[] | undefined;
	/** Every main output of our node's first run. */
	outputs: INodeExecutionData[][] | undefined;
	/** Every run of our node in this execution (one per run index). */
	runs: ITaskData[];
	/** `run.data.resultData.error` (a spread copy, not an instance). */
	error: IRun['data']['resultData']['error'];
	/** The error stored on our node's task. */
	nodeError: ITaskData['error'];
	taskData: ITaskData | undefined;
	/** Names of the nodes in the order they finished. */
	nodeOrder: string[];
	/** How many times the credential's `authenticate` ran (once per HTTP request, 401 replays included). */
	authenticateCalls: number;
	/** True when `abort()` was called (the engine's cancel signal is aborted). */
	cancelled: boolean;
	/**
	 * After `abort()`: the run the engine reports to the `workflowExecuteAfter` hook at the moment of
	 * cancellation (status 'canceled' — what the n8n app stores). `run`/`status` are the engine's final
	 * result once the node returned: 'error' with the node's own error if the node threw on the signal.
	 */
	canceledRun: IRun | undefined;
}

export interface RunningWorkflow {
	/** Settles when the engine has finished (also after `abort()`: then `status` is 'canceled'). */
	result: Promise<HarnessRun>;
	/** Cancels the execution like the n8n UI's Stop button: aborts the signal `getExecutionCancelSignal()` returns. */
	abort(): void;
}

/** Credential data for a custom-URL credential pointing at the sandbox. */
export function sandboxCredentials(
	baseUrl: string,
	overrides: Partial<{
		authType: 'apiKey' | 'basicAuth';
		apiKey: string;
		username: string;
		password: string;
		customApiFormat: 'agile' | 'qlara';
	}> = {},
): ICredentialDataDecryptedObject {
	return {
		authType: 'apiKey',
		apiKey: 'test-api-key',
		username: 'test-user',
		password: 'test-pass',
		platform: 'custom',
		baseUrl,
		customApiFormat: 'agile',
		...overrides,
	};
}

let executionCounter = 0;

export function buildAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	const notSupported = async () => {
		throw new Error('Not supported by the test harness');
	};
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		hooks,
		credentialsHelper,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		executeWorkflow: notSupported,
		startRunnerTask: notSupported,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}

/** The engine's workflow and the lifecycle hooks of one execution of it (the hooks want the stored form too). */
export function workflowWithHooks(
	data: { id: string; name: string; nodes: INode[]; connections: IConnections },
	nodeTypes: TestNodeTypes,
	executionId: string,
): { workflow: Workflow; hooks: ExecutionLifecycleHooks } {
	const workflow = new Workflow({ ...data, nodeTypes, active: false, settings: {} });
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		...data,
		active: false,
		activeVersionId: null,
		isArchived: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	return { workflow, hooks };
}

function buildNode(options: HarnessOptions): INode {
	const n = options.node;
	const node: INode = {
		id: 'agile-telecom-node',
		name: n.name ?? NODE_NAME,
		type: NODE_TYPE,
		typeVersion: n.typeVersion ?? 1,
		position: [200, 0],
		parameters: n.parameters,
		credentials: Object.fromEntries(
			Object.keys(options.credentials).map((type) => [type, { id: `cred-${type}`, name: `${type} (test)` }]),
		),
	};
	if (n.onError !== undefined) node.onError = n.onError;
	if (n.continueOnFail !== undefined) node.continueOnFail = n.continueOnFail;
	if (n.retryOnFail !== undefined) node.retryOnFail = n.retryOnFail;
	if (n.maxTries !== undefined) node.maxTries = n.maxTries;
	if (n.waitBetweenTries !== undefined) node.waitBetweenTries = n.waitBetweenTries;
	if (n.alwaysOutputData !== undefined) node.alwaysOutputData = n.alwaysOutputData;
	return node;
}

function buildParts(options: HarnessOptions) {
	const nodeTypes = new TestNodeTypes({
		[NODE_TYPE]: options.nodeType ?? new AgileTelecom(),
		[TRIGGER_TYPE]: manualTrigger,
		[PASS_THROUGH_TYPE]: passThrough,
	});
	const credentialsHelper = new TestCredentialsHelper(
		{ [CREDENTIAL_TYPE]: new AgileTelecomApi(), ...(options.credentialTypes ?? {}) },
		options.credentials,
	);
	return { nodeTypes, credentialsHelper };
}

/** Starts trigger → our node [→ After] in the real engine and returns a handle that can cancel it. */
export function startWorkflow(options: HarnessOptions): RunningWorkflow {
	const { nodeTypes, credentialsHelper } = buildParts(options);
	const node = buildNode(options);
	const trigger: INode = {
		id: 'trigger-node',
		name: TRIGGER_NAME,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { [TRIGGER_ITEMS_PARAMETER]: JSON.stringify(options.items ?? [{}]) },
	};
	const nodes: INode[] = [trigger, node];
	const connections: IConnections = {
		[TRIGGER_NAME]: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
	};
	if (options.twice) {
		nodes.push({ id: 'via-node', name: 'Via', type: PASS_THROUGH_TYPE, typeVersion: 1, position: [100, 100], parameters: {} });
		connections[TRIGGER_NAME].main[0]?.push({ node: 'Via', type: 'main', index: 0 });
		connections.Via = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
	}
	if (options.downstream) {
		nodes.push({
			id: 'after-node',
			name: DOWNSTREAM_NAME,
			type: PASS_THROUGH_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters: {},
		});
		connections[node.name] = { main: [[{ node: DOWNSTREAM_NAME, type: 'main', index: 0 }]] };
	}
	const executionId = `test-execution-${++executionCounter}`;
	const { workflow, hooks } = workflowWithHooks({ id: 'test-workflow', name: 'Agile Telecom test', nodes, connections }, nodeTypes, executionId);
	const nodeOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (name: string) => {
		nodeOrder.push(name);
	});
	const hookRuns: IRun[] = [];
	hooks.addHandler('workflowExecuteAfter', (run: IRun) => {
		hookRuns.push(run);
	});
	const additionalData = buildAdditionalData(credentialsHelper, hooks, executionId);
	const startNode = workflow.getStartNode();
	if (!startNode) throw new Error('The harness workflow has no start node');
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const engine = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const execution = engine.processRunExecutionData(workflow);
	let aborted = false;
	const result = (async (): Promise<HarnessRun> => {
		const run = await execution;
		const taskData = run.data.resultData.runData[node.name]?.[0];
		const outputs = taskData?.data?.main as INodeExecutionData[][] | undefined;
		return {
			run,
			status: run.status,
			output: outputs?.[0] ?? undefined,
			outputs,
			runs: run.data.resultData.runData[node.name] ?? [],
			error: run.data.resultData.error,
			nodeError: taskData?.error,
			taskData,
			nodeOrder,
			authenticateCalls: credentialsHelper.authenticateCalls[CREDENTIAL_TYPE] ?? 0,
			cancelled: aborted,
			canceledRun: hookRuns.find((r) => r.status === 'canceled'),
		};
	})();
	return {
		result,
		abort: () => {
			aborted = true;
			execution.cancel();
		},
	};
}

/** Runs trigger → our node [→ After] in the real engine to the end. */
export async function runWorkflow(options: HarnessOptions): Promise<HarnessRun> {
	return await startWorkflow(options).result;
}

export interface BareOptions extends HarnessOptions {
	/** The node's input items as given (default: `items` wrapped as `{ json }`, without pairedItem). */
	inputItems?: INodeExecutionData[];
	/** Fed to `getExecutionCancelSignal()`: abort it to cancel the node mid-run. */
	abortSignal?: AbortSignal;
}

/**
 * Calls our node's `execute()` on a bare `ExecuteContext`, no engine: the raw output (exact pairedItem, no
 * back-fill) is returned, and errors reject with the real instances (`NodeApiError`, `NodeOperationError`).
 * `continueOnFail()` still honours `node.onError`.
 */
export async function executeBare(options: BareOptions): Promise<INodeExecutionData[][] | null> {
	const { nodeTypes, credentialsHelper } = buildParts(options);
	const node = buildNode(options);
	const executionId = `test-bare-${++executionCounter}`;
	const { workflow, hooks } = workflowWithHooks(
		{ id: 'test-workflow-bare', name: 'Agile Telecom bare test', nodes: [node], connections: {} },
		nodeTypes,
		executionId,
	);
	const additionalData = buildAdditionalData(credentialsHelper, hooks, executionId);
	const items = options.inputItems ?? (options.items ?? [{}]).map((json) => ({ json }));
	const inputData = { main: [items] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		createEmptyRunExecutionData(),
		0,
		items,
		inputData,
		{ node, data: inputData, source: null },
		[],
		options.abortSignal,
	);
	const nodeType = nodeTypes.getByNameAndVersion(NODE_TYPE, node.typeVersion);
	if (!nodeType.execute) throw new Error('The node has no execute()');
	return (await nodeType.execute.call(context)) as INodeExecutionData[][] | null;
}

/** Polls `predicate` every `intervalMs` (n8n-workflow `sleep`; tests may not use timers) until true or timeout. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, intervalMs = 5): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
		await sleep(intervalMs);
	}
}

export interface ToolOptions extends HarnessOptions {
	/** The items the AI Agent node runs on (what `$json` means in the tool's parameters); default one empty item. */
	agentItems?: IDataObject[];
	/** A shared execution, so that several invokers (several tool calls) run in one execution. */
	execution?: ToolExecution;
}

/** One execution an agent runs in: its id and its run data, where n8n-core keeps every tool call's input. */
export interface ToolExecution {
	executionId: string;
	runExecutionData: ReturnType<typeof createEmptyRunExecutionData>;
	/** Every tool call's output (or error) by run index, as n8n-core records it for the agent. */
	taskData(): ITaskData[];
}

/** A new execution; `executionId` gives another run data the id of an existing one. */
export function toolExecution(executionId?: string): ToolExecution {
	const runExecutionData = createEmptyRunExecutionData();
	return {
		executionId: executionId ?? `test-tool-${++executionCounter}`,
		runExecutionData,
		taskData: () => runExecutionData.resultData.runData[NODE_NAME] ?? [],
	};
}

/**
 * Our node as an AI Agent tool, called the way n8n-core's agent calls it: `makeHandleToolInvocation` (the very
 * function n8n uses, with its own Retry On Fail loop that gives every try a new run index) over a
 * `SupplyDataContext` whose input is the agent's items and whose tool input is the call's arguments. Each call of
 * the returned function is one tool call; it resolves to what the agent reads, or rejects with the error it gets.
 */
export function toolInvoker(options: ToolOptions): (toolArgs: IDataObject) => Promise<string> {
	const { nodeTypes, credentialsHelper } = buildParts(options);
	const node = buildNode(options);
	const agent: INode = { id: 'agent-node', name: 'AI Agent', type: PASS_THROUGH_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const execution = options.execution ?? toolExecution();
	const { workflow, hooks } = workflowWithHooks(
		{
			id: 'test-workflow-tool',
			name: 'Agile Telecom tool test',
			nodes: [agent, node],
			connections: { [node.name]: { ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] } },
		},
		nodeTypes,
		execution.executionId,
	);
	const additionalData = buildAdditionalData(credentialsHelper, hooks, execution.executionId);
	const agentItems = (options.agentItems ?? [{}]).map((json) => ({ json }));
	const executeData = { node: agent, data: { main: [agentItems] }, source: null };
	const nodeType = nodeTypes.getByNameAndVersion(NODE_TYPE, node.typeVersion);
	const contextFactory = (runIndex: number) =>
		new SupplyDataContext(workflow, node, additionalData, 'manual', execution.runExecutionData, runIndex, agentItems, {}, 'ai_tool', executeData, [], undefined, agent);
	return makeHandleToolInvocation(contextFactory, node, nodeType, execution.runExecutionData) as (toolArgs: IDataObject) => Promise<string>;
}
