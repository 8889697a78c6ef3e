import { NodeConnectionTypes, type IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether the node runs as an AI Agent tool. There n8n-core gives the tool's arguments as the node's input
 * (`makeHandleToolInvocation` → `addInputData(AiTool, [[{ json: toolArgs }]])`), evaluates `$json` in parameters
 * against the agent's own item, and gives every try (and every call by the agent) a new run index. n8n 1.x has no
 * `isToolExecution()`; its tool calls through n8n-core hold their input under `ai_tool` too.
 */
export function isToolCall(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function' && ctx.isToolExecution()) return true;
	// AI Agent 3.x runs each tool call as an ordinary run of the tool node (isToolExecution() is false there), under
	// the tool's node type: this package's node with `Tool` appended, as n8n names every node used as a tool.
	if (ctx.getNode().type.endsWith('Tool')) return true;
	return typeof ctx.isToolExecution !== 'function' && ctx.getInputData(0, NodeConnectionTypes.AiTool).length > 0;
}
