import type { INodeProperties } from 'n8n-workflow';

/** What the send operations do with a destination Agile Telecom refuses inside a 2xx answer. */
export type RefusalMode = 'fail' | 'output';

/** The "Rejected Destinations" choice, shared by both send operations. */
export function rejectedDestinationsField(operations: string[]): INodeProperties {
	return {
		displayName: 'Rejected Destinations',
		name: 'rejectedDestinations',
		type: 'options',
		displayOptions: { show: { resource: ['sms'], operation: operations } },
		options: [
			{
				name: 'Fail the Item',
				value: 'fail',
				description:
					'An item with a rejected destination fails (an error, or an error item with continue-on-fail) with the reasons; its accepted destinations are listed in the error',
			},
			{
				name: 'Output as Data',
				value: 'output',
				description:
					'The item comes out like any other, with accepted: false and every destination\'s result, so the workflow can branch on it',
			},
		],
		default: 'fail',
		description:
			'What happens to an item when Agile Telecom accepts the request but refuses one of its destinations (opted out, sender not allowed, no credit …). Accepted SMS are never sent again either way.',
	};
}

/** The "Data Mode" choice, shared by both send operations: fields defined below, or read from each item. */
export function dataModeField(operation: string, fields: string): INodeProperties {
	return {
		displayName: 'Data Mode',
		name: 'dataMode',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['sms'], operation: [operation] } },
		options: [
			{
				name: 'Auto-Map Input Fields',
				value: 'autoMapInputData',
				description: `Read ${fields} from fields of each input item (names below), without expressions: fastest for large lists`,
			},
			{
				name: 'Map Each Field Below',
				value: 'defineBelow',
				description: 'Set each field below, with a fixed value or an expression',
			},
		],
		default: 'defineBelow',
	};
}
