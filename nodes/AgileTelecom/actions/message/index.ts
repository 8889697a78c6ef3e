import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../outcome';
import * as getStatus from './getStatus.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the delivery status of messages',
				description:
					'Read the delivery status (SENT, DELIVERED, ERROR, EXPIRED…) of messages sent through Qlara, by message ID. Put all IDs in one call instead of one call per ID.',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
];

export const operations: Record<string, OperationExecute> = {
	getStatus: getStatus.execute,
};
