/**
 * The parameter reader in an AI Agent tool call, inside n8n-core's real engine: Trigger → Agent (a stand-in that
 * asks n8n-core for its tools and calls them) ← our node as its tool. n8n-core builds the tool itself
 * (getInputConnectionData → createNodeAsTool → makeHandleToolInvocation → SupplyDataContext), gives it the tool's
 * arguments as input and evaluates parameters against the agent's input item. The reader must give exactly what
 * n8n's `getNodeParameter` gives there.
 */
import { WorkflowExecute } from 'n8n-core';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes, createRunExecutionData } from 'n8n-workflow';

import { AgileTelecomApi } from '../../../../credentials/AgileTelecomApi.credentials';
import { TRIGGER_ITEMS_PARAMETER } from '../../../harness/test-nodes';
import {
	NODE_TYPE,
	TestCredentialsHelper,
	TestNodeTypes,
	TRIGGER_TYPE,
	buildAdditionalData,
	manualTrigger,
	sandboxCredentials,
	workflowWithHooks,
} from '../../../harness';
import { probeNodeType, type Probe } from './parameterProbe';

const AGENT_TYPE = 'n8n-nodes-agiletelecom-test.testAgent';
const TOOL_TYPE = `${NODE_TYPE}Tool`;
const CALLS_PARAMETER = 'calls';

interface Tool {
	invoke(args: IDataObject): Promise<unknown>;
}

/** Calls its one tool with each argument object of its `calls` parameter; outputs what the tool answered. */
const agent: INodeType = {
	description: {
		displayName: 'Test Agent',
		name: 'testAgent',
		group: ['transform'],
		version: 1,
		description: 'Calls its tool',
		defaults: { name: 'Agent' },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true }],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Calls', name: CALLS_PARAMETER, type: 'json', default: '[]' }],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const [tool] = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Tool[];
		const calls = JSON.parse(this.getNodeParameter(CALLS_PARAMETER, 0) as string) as IDataObject[];
		const answers: unknown[] = [];
		for (const args of calls) answers.push(JSON.parse((await tool.invoke(args)) as string));
		return [[{ json: { answers } as IDataObject }]];
	},
};

/**
 * The probe of `name` as n8n registers a node usable as a tool (n8n's convertNodeToAiTool: `…Tool`, ai_tool out).
 * `asN8n1`: without `isToolExecution()`, which n8n-core 1.x contexts do not have.
 */
function probeTool(name: string, fallback: unknown, asN8n1: boolean): INodeType {
	const probe = probeNodeType(name, fallback);
	return {
		description: { ...probe.description, name: `${probe.description.name}Tool`, inputs: [], outputs: [NodeConnectionTypes.AiTool] },
		async execute(this: IExecuteFunctions) {
			if (asN8n1) (this as { isToolExecution?: unknown }).isToolExecution = undefined;
			return await probe.execute!.call(this);
		},
	};
}

/** Runs the agent on `agentItems`, calling the tool once per entry of `calls`; the probe of each call. */
async function probeAsTool(parameters: INodeParameters, name: string, agentItems: IDataObject[], calls: IDataObject[], asN8n1 = false): Promise<Probe[]> {
	const nodeTypes = new TestNodeTypes({ [TRIGGER_TYPE]: manualTrigger, [AGENT_TYPE]: agent, [TOOL_TYPE]: probeTool(name, '', asN8n1) });
	const nodes: INode[] = [
		{ id: 't', name: 'Trigger', type: TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: { [TRIGGER_ITEMS_PARAMETER]: JSON.stringify(agentItems) } },
		{ id: 'a', name: 'Agent', type: AGENT_TYPE, typeVersion: 1, position: [200, 0], parameters: { [CALLS_PARAMETER]: JSON.stringify(calls) } },
		{
			id: 'p',
			name: 'Agile Telecom Tool',
			type: TOOL_TYPE,
			typeVersion: 1,
			position: [200, 200],
			parameters: { resource: 'sms', operation: 'sendBatch', ...parameters },
			credentials: { agileTelecomApi: { id: 'cred', name: 'test' } },
		},
	];
	const connections = {
		Trigger: { main: [[{ node: 'Agent', type: NodeConnectionTypes.Main, index: 0 }]] },
		'Agile Telecom Tool': { [NodeConnectionTypes.AiTool]: [[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }]] },
	};
	const { workflow, hooks } = workflowWithHooks({ id: 'tool-wf', name: 'tool', nodes, connections }, nodeTypes, 'tool-execution');
	const credentialsHelper = new TestCredentialsHelper({ agileTelecomApi: new AgileTelecomApi() }, { agileTelecomApi: sandboxCredentials('http://127.0.0.1:9') });
	const runData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }] },
	});
	const run = await new WorkflowExecute(buildAdditionalData(credentialsHelper, hooks, 'tool-execution'), 'manual', runData).processRunExecutionData(workflow);
	const answers = run.data.resultData.runData.Agent?.[0]?.data?.main?.[0]?.[0]?.json.answers as Array<Array<{ result: Probe }>> | undefined;
	if (!answers) throw new Error(`the agent produced nothing: ${JSON.stringify(run.data.resultData.error)}`);
	return answers.map(([answer]) => answer.result);
}

const AGENT_ITEM = { to: '+393351111111', name: 'Ada', code: 'A-1' };
// `$fromAI` makes these keys the tool's schema, so the arguments reach the tool as given (n8n-core's getSchema).
const FROM_AI = { sender: "={{ $fromAI('to', 'number') }}{{ $fromAI('name', 'name') }}{{ $fromAI('code', 'code') }}" };
const TOOL_ARGS = { to: '+393352222222', name: 'Bob', code: 'B-2' };

describe('in an AI Agent tool call the reader gives what n8n gives, which is not the tool arguments', () => {
	test.each([
		['destinations', '={{ $json.to }}', false, { value: AGENT_ITEM.to }],
		['body', '=Hello {{ $json.name }}, your code is {{ $json.code }}', false, { value: 'Hello Ada, your code is A-1' }],
		['destinations', '={{ $json.to }}', true, { value: AGENT_ITEM.to }],
		['body', '=Hello {{ $json.name }}, your code is {{ $json.code }}', true, { value: 'Hello Ada, your code is A-1' }],
	])('%s %s (without isToolExecution, as in n8n 1.x: %s)', async (name, expression, asN8n1, expected) => {
		const [result] = await probeAsTool({ ...FROM_AI, [name]: expression }, name, [AGENT_ITEM], [TOOL_ARGS], asN8n1);
		// The tool's input holds the arguments: a reader of getInputData() would have answered for the wrong person.
		expect(result.input).toEqual([TOOL_ARGS]);
		expect(result.slow).toEqual([expected]);
		expect(result.fast).toEqual(result.slow);
		// Nothing is read from the item in a tool call: n8n evaluates it.
		expect(result.evaluations).toBe(1);
	});

	test('a second call with other arguments: still what n8n gives', async () => {
		const results = await probeAsTool({ ...FROM_AI, destinations: '={{ $json.to }}' }, 'destinations', [AGENT_ITEM], [TOOL_ARGS, { ...TOOL_ARGS, to: '+393353333333' }]);
		expect(results.map((r) => [r.fast, r.slow])).toEqual([
			[[{ value: AGENT_ITEM.to }], [{ value: AGENT_ITEM.to }]],
			[[{ value: AGENT_ITEM.to }], [{ value: AGENT_ITEM.to }]],
		]);
	});

	test('fixed values are still read once, $fromAI goes to n8n', async () => {
		const [fixed] = await probeAsTool({ ...FROM_AI, destinations: '+393354444444' }, 'destinations', [AGENT_ITEM], [TOOL_ARGS]);
		expect([fixed.fast, fixed.evaluations]).toEqual([[{ value: '+393354444444' }], 1]);
		const [fromAi] = await probeAsTool({ ...FROM_AI, destinations: "={{ $fromAI('to', 'number') }}" }, 'destinations', [AGENT_ITEM], [TOOL_ARGS]);
		expect(fromAi.fast).toEqual([{ value: TOOL_ARGS.to }]);
		expect(fromAi.fast).toEqual(fromAi.slow);
	});
});
