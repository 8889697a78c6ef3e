import type { INodeProperties } from 'n8n-workflow';

import type { OperationExecute } from '../outcome';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
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
					'Send one SMS to one phone number through the Qlara API and get a message ID for delivery tracking. Best for OTPs, alerts and personalised texts. Phone numbers in international format (+393351234567); the sender must be registered on the account: up to 11 letters and digits without spaces, or up to 16 digits.',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				action: 'Send an SMS and wait for response',
				description:
					'Send one SMS with a link to a response page (approve/decline or free text) and pause the workflow until the person answers or the time limit passes. Through Qlara on a Qlara account, through the batch API otherwise.',
			},
			{
				name: 'Send Batch (Wholesale)',
				value: 'sendBatch',
				action: 'Send a batch of SMS',
				description:
					'Send many SMS in few requests through the wholesale/legacy API: every input item is one message to one or more phone numbers. Best for campaigns and large lists. Phone numbers in international format (+393351234567); sender up to 11 letters and digits without spaces, or up to 16 digits.',
			},
		],
		default: 'sendBatch',
	},
	...sendBatch.description,
	...send.description,
	...sendAndWait.description,
];

export const operations: Record<string, OperationExecute> = {
	send: send.execute,
	sendBatch: sendBatch.execute,
	sendAndWait: sendAndWait.execute,
};

export { sendAndWaitWebhook, sendAndWaitWebhooks } from './sendAndWait.operation';
