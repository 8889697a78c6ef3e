import type { INodeParameters, INodeProperties } from 'n8n-workflow';

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

/** The "Past Schedule" option, shared by both send operations' options (next to their scheduling field). */
export function pastScheduleOption(scheduleField: string): INodeProperties {
	return {
		displayName: 'Past Schedule',
		name: 'pastSchedule',
		type: 'options',
		options: [
			{
				name: 'Fail the Item',
				value: 'fail',
				description: 'The item fails before anything is sent, naming its time; the other items are sent as usual',
			},
			{
				name: 'Send Now',
				value: 'sendNow',
				description: 'The item is sent at once, without a schedule; its output shows the past time it had (pastScheduleSentNow)',
			},
		],
		default: 'fail',
		description: `What happens to an item whose ${scheduleField} is more than a minute in the past. Agile Telecom does not document what it does with a past time; it may send at once.`,
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

/** What "Cost and List Hygiene" holds when a node of version 1.1 or later is added: Smart Encoding and a part cap. */
export const HYGIENE_DEFAULTS = { smartEncoding: true, maxParts: 6 } as const;

/**
 * "Cost and List Hygiene", shared by both send operations. A property per node version (n8n's way to change a
 * default): nodes added from version 1.1 on start with Smart Encoding on and Max Parts 6, while workflows saved with
 * version 1 keep sending exactly what they sent before.
 */
export function hygieneFields(operations: string[]): INodeProperties[] {
	const field = (versions: Array<number | { _cnd: { gte: number } }>): INodeProperties => ({
		displayName: 'Cost and List Hygiene',
		name: 'hygiene',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['sms'], operation: operations, '@version': versions } },
		options: [
			{
				displayName: 'Default Country Code',
				name: 'defaultCountryCode',
				type: 'string',
				default: '',
				placeholder: '39',
				description:
					'Calling code given to numbers written without + or 00 (3351234567 → +393351234567 with 39). Without it such numbers are refused, never guessed. A trunk 0 is dropped, except where it is part of the number (Italy, San Marino, the Vatican); (0) in +39 (0) 335… is removed.',
			},
			{
				displayName: 'Max Parts',
				name: 'maxParts',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 6,
				description:
					'An item whose text needs more SMS parts than this fails before anything is sent (every part is billed). 0 means no limit.',
			},
			{
				displayName: 'Skip Repeated Destinations',
				name: 'skipRepeatedDestinations',
				type: 'boolean',
				default: false,
				description:
					'Whether a number that already gets the same text from an earlier item of this run is skipped (reported in the output) instead of receiving it twice',
			},
			{
				displayName: 'Smart Encoding',
				name: 'smartEncoding',
				type: 'boolean',
				default: true,
				description:
					'Whether look-alike characters (curly quotes, dashes, …, special spaces) are replaced by their GSM-7 equivalents when they are all that makes a text Unicode, so it is sent at 160 characters per part instead of 70. Text with emoji or other real non-GSM characters is left alone.',
			},
		],
	});
	const defaults: INodeParameters = { ...HYGIENE_DEFAULTS };
	return [field([1]), { ...field([{ _cnd: { gte: 1.1 } }]), default: defaults }];
}

/**
 * What "Deduplication Across Executions" uses when a field is not set: the fields' own defaults (the lint wants them
 * written out there; a test holds the two equal). n8n's Remove Duplicates node keeps as many keys.
 */
export const DEDUPLICATION_DEFAULTS = { scope: 'node', historySize: 10000 } as const;

/**
 * The most keys the editor accepts. n8n's store keeps a list in one database row that every execution reads and
 * writes whole, 27 bytes per key: at 100,000 keys 2.7 MB and about half a second per execution (`npm run
 * bench:dedup`), growing with the list, until its JSON no longer fits a string (about 20 million keys).
 */
export const DEDUPLICATION_MAX_KEYS = 100000;

/**
 * "Deduplication Across Executions", shared by both send operations: a key per item, recorded in n8n's own
 * deduplication store (the one behind Remove Duplicates), so a retried or repeated execution does not send again.
 */
export function deduplicationField(operations: string[]): INodeProperties {
	return {
		displayName: 'Deduplication Across Executions',
		name: 'deduplication',
		type: 'collection',
		placeholder: 'Add Deduplication Key',
		default: {},
		displayOptions: { show: { resource: ['sms'], operation: operations } },
		description:
			'Never send the same SMS twice across executions: a retry from the executions list, a re-run after fixing a row, a webhook called twice, two executions at once. Each item\'s key is recorded in n8n\'s deduplication store before its SMS is sent; an item whose key is already recorded is skipped.',
		options: [
			{
				displayName: 'Deduplication Key',
				name: 'key',
				type: 'string',
				default: '',
				placeholder: '={{ $json.orderId }}-shipped',
				description:
					'What makes this SMS unique, usually an expression built from the item, such as its order ID followed by -shipped. Kept when the SMS was accepted (or may have been), released when Agile Telecom refused it or it was never sent, so fixing the row and retrying sends it.',
			},
			{
				displayName: 'Keys to Keep',
				name: 'historySize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: DEDUPLICATION_MAX_KEYS },
				default: 10000,
				description:
					'How many keys n8n remembers (at most 100,000); the oldest are forgotten first (their SMS could then be sent again). Every execution reads and writes the whole list: 100,000 keys are a 2.7 MB database row.',
			},
			{
				displayName: 'Scope',
				name: 'scope',
				type: 'options',
				options: [
					{ name: 'This Node', value: 'node', description: 'Keys are remembered for this node only' },
					{
						name: 'This Workflow',
						value: 'workflow',
						description: 'Keys are shared by every Agile Telecom node of this workflow that uses this scope',
					},
				],
				default: 'node',
			},
		],
	};
}
