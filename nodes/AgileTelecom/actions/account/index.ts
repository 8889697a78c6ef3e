import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../outcome';
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
				description:
					'Read the account credit in euro (on Qlara also the frozen and available credit). Sends nothing and costs nothing: use it before a large send or to alert on a low balance.',
			},
		],
		default: 'getCredit',
	},
	...getCredit.description,
];

export const operations: Record<string, OperationExecute> = {
	getCredit: getCredit.execute,
};
