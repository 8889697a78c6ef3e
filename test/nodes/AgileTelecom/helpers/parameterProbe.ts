/**
 * A stand-in for the Agile Telecom node (its real description, so n8n-core resolves its parameters as it does for
 * the node) that runs `parameterReader(…)(i)` and n8n's own `getNodeParameter(…, i)` side by side on every item of
 * its input, and counts the evaluations the reader asked n8n for.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { AgileTelecom } from '../../../../nodes/AgileTelecom/AgileTelecom.node';
import { parameterReader } from '../../../../nodes/AgileTelecom/helpers/parameters';

export type Outcome = { value: unknown } | { error: string };

export interface Probe {
	fast: Outcome[];
	slow: Outcome[];
	/** getNodeParameter calls that evaluate (not rawExpressions) while the reader ran. */
	evaluations: number;
	/** What `getInputData()` held: the node's input, or in a tool call the tool's arguments. */
	input: IDataObject[];
}

function outcome(read: () => unknown): Outcome {
	try {
		return { value: read() };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

type GetNodeParameter = (...args: unknown[]) => unknown;

/** Replaces the context's getNodeParameter with one that counts evaluations; returns the counter and the original. */
export function countEvaluations(ctx: IExecuteFunctions): { original: GetNodeParameter; count: () => number } {
	const original = ctx.getNodeParameter.bind(ctx) as GetNodeParameter;
	let evaluations = 0;
	(ctx as unknown as { getNodeParameter: GetNodeParameter }).getNodeParameter = (...args: unknown[]) => {
		if (!(args[3] as { rawExpressions?: boolean } | undefined)?.rawExpressions) evaluations++;
		return original(...args);
	};
	return { original, count: () => evaluations };
}

/** The probe node for parameter `name`; its one output item holds `{ result: Probe }`. */
export function probeNodeType(name: string, fallback: unknown): INodeType {
	return {
		description: new AgileTelecom().description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const input = this.getInputData();
			const { original, count } = countEvaluations(this);
			const reader = parameterReader(this, name, fallback);
			const fast = input.map((_, i) => outcome(() => reader(i)));
			const evaluations = count();
			const slow = input.map((_, i) => outcome(() => original(name, i, fallback)));
			const result: Probe = { fast, slow, evaluations, input: input.map((item) => item.json) };
			return [[{ json: { result: result as unknown as IDataObject }, pairedItem: { item: 0 } }]];
		},
	};
}
