import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import * as lookup from './actions/lookup';
import * as message from './actions/message';
import { router } from './actions/router';
import * as sms from './actions/sms';
import { retryFields } from './descriptions/retry';

export class AgileTelecom implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agile Telecom',
		name: 'agileTelecom',
		icon: { light: 'file:agileTelecom.svg', dark: 'file:agileTelecom.dark.svg' },
		group: ['output'],
		// 1.1: Cost and List Hygiene starts with Smart Encoding on and Max Parts 6 (version 1 workflows are unchanged).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Send SMS through Agile Telecom (one by one through Qlara, or in wholesale batches), read the account credit and the delivery status of sent messages, and look up the mobile operator of a number (MNP)',
		defaults: { name: 'Agile Telecom' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agileTelecomApi', required: true }],
		// Only Send and Wait for Response uses them, while an execution waits on it (nothing is registered anywhere).
		webhooks: sms.sendAndWaitWebhooks,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Lookup', value: 'lookup' },
					{ name: 'Message', value: 'message' },
					{ name: 'SMS', value: 'sms' },
				],
				default: 'sms',
			},
			...sms.description,
			...account.description,
			...message.description,
			...lookup.description,
			...retryFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sms.sendAndWaitWebhook.call(this);
	}
}
