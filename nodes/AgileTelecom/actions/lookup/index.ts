import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../outcome';
import * as numberPortability from './numberPortability.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lookup'] } },
		options: [
			{
				name: 'Number Portability (MNP)',
				value: 'numberPortability',
				action: 'Look up the mobile operator of a number',
				description:
					'Find the mobile operator a phone number belongs to today and whether it was ported from another operator, with its MCC/MNC and country. Sends no SMS. Use it to clean a contact list before a campaign or to route by operator: one phone number per item, in international format (+393351234567), or national with Default Country Code.',
			},
		],
		default: 'numberPortability',
	},
	...numberPortability.description,
];

export const operations: Record<string, OperationExecute> = {
	numberPortability: numberPortability.execute,
};
