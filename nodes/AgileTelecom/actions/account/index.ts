import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../router';
import * as getCredit from './getCredit.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Credit',
				value: 'getCredit',
				action: 'Get the account credit',
				description: 'Read the remaining credit (EUR) of the account. Sends no SMS.',
			},
		],
		default: 'getCredit',
	},
	...getCredit.description,
];

export const operations: Record<string, OperationExecute> = {
	getCredit: getCredit.execute,
};
