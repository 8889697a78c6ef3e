import { NodeConnectionTypes, type IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether the node runs as an AI Agent tool. There n8n-core gives the tool's arguments as the node's input
 * (`makeHandleToolInvocation` → `addInputData(AiTool, [[{ json: toolArgs }]])`), evaluates `$json` in parameters
 * against the agent's own item, and gives every try (and every call by the agent) a new run index. n8n 1.x has no
 * `isToolExecution()`; its tool calls hold their input under `ai_tool` too.
 */
export function isToolCall(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function') return ctx.isToolExecution();
	return ctx.getInputData(0, NodeConnectionTypes.AiTool).length > 0;
}
