import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Connection } from '../../transport/request';
import type { ItemOutcome } from '../router';

const displayOptions = { show: { resource: ['account'], operation: ['getCredit'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Not Implemented Yet',
		name: 'getCreditNotice',
		type: 'notice',
		default: '',
		displayOptions,
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<ItemOutcome[]> {
	void items;
	void connection;
	throw new NodeOperationError(this.getNode(), 'Not implemented yet');
}
