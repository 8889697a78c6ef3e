import type { INodeParameters } from 'n8n-workflow';

/** Send Batch as most tests set it up: each item's `to` and `text`, from the sender InfoSMS, plus what a test adds. */
export function sendBatchParameters(over: INodeParameters = {}): INodeParameters {
	return {
		resource: 'sms',
		operation: 'sendBatch',
		destinations: '={{ $json.to }}',
		sender: 'InfoSMS',
		body: '={{ $json.text }}',
		...over,
	};
}
