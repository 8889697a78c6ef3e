import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	ITriggerFunctions,
	ITriggerResponse,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

/** The items the stand-in trigger emits, set by the harness before each run (read when the trigger fires). */
export const TRIGGER_ITEMS_PARAMETER = 'items';

/**
 * Stand-in for n8n-nodes-base's ManualTrigger (too heavy as a devDependency, notes §9.1). An object, not a
 * class, so the node lint rules for real nodes do not apply. Emits the JSON array in its `items` parameter.
 */
export const manualTrigger: INodeType = {
	description: {
		displayName: 'Test Trigger',
		name: 'testTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given by the test',
		defaults: { name: 'Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: TRIGGER_ITEMS_PARAMETER, type: 'json', default: '[]' }],
	},
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const raw = this.getNodeParameter(TRIGGER_ITEMS_PARAMETER, '[]') as unknown;
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray(items)]);
		};
		return { manualTriggerFunction };
	},
};

/** Passes its input through; placed after our node when a test needs a downstream node (pitfall 5). */
export const passThrough: INodeType = {
	description: {
		displayName: 'Test Pass Through',
		name: 'testPassThrough',
		group: ['transform'],
		version: 1,
		description: 'Returns its input',
		defaults: { name: 'After' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	},
};

export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}
