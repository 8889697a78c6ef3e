import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../router';
import * as send from './send.operation';
import * as sendBatch from './sendBatch.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['sms'] } },
		options: [
			{
				name: 'Send (Qlara)',
				value: 'send',
				action: 'Send an SMS',
				description:
					'Send one SMS per input item through the Qlara API (lora-api): one destination per request, with a message ID for delivery tracking. Best for OTPs, notifications and personalised texts.',
			},
			{
				name: 'Send Batch (Wholesale)',
				value: 'sendBatch',
				action: 'Send a batch of SMS',
				description:
					'Send many SMS in few requests through the wholesale/legacy API: every input item is one message to one or more destinations. Best for campaigns and large lists.',
			},
		],
		default: 'sendBatch',
	},
	...sendBatch.description,
	...send.description,
];

export const operations: Record<string, OperationExecute> = {
	send: send.execute,
	sendBatch: sendBatch.execute,
};
