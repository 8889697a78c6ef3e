import type { INodeProperties } from 'n8n-workflow';

import { dataModeField, deduplicationField, hygieneFields, pastScheduleOption, rejectedDestinationsField } from '../../descriptions/send';
import { MAX_CONCURRENCY } from '../../helpers/batch';

const displayOptions = { show: { resource: ['sms'], operation: ['sendBatch'] } };
const defineBelow = { show: { ...displayOptions.show, dataMode: ['defineBelow'] } };
const autoMap = { show: { ...displayOptions.show, dataMode: ['autoMapInputData'] } };

/** The item fields "Auto-Map Input Fields" reads, by default named like the API's own fields (agile-api.md §3.2). */
export const BATCH_INPUT_FIELDS = {
	destinationsField: 'destinations',
	bodyField: 'body',
	senderField: 'sender',
	idsField: 'ids',
	schedulingField: 'scheduling',
} as const;

// Defaults below are literals because n8n's lint reads them statically; a test checks they equal
// API_DEFAULTS, BATCH_DEFAULTS and BATCH_INPUT_FIELDS.
export const description: INodeProperties[] = [
	dataModeField('sendBatch', 'destinations, body, sender, IDs and scheduling'),
	{
		displayName: 'Destinations',
		name: 'destinations',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+393351234567, +393409876543',
		description:
			'Phone numbers in international format (+ or 00, country code, number), separated by commas or new lines. An expression may also return an array. Every number gets the same text; a number given twice gets it once.',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'InfoSMS',
		description:
			'Up to 11 letters and digits without spaces, or up to 16 digits. Some countries require it to be registered first.',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		default: '',
		placeholder: 'InfoSMS',
		description:
			"Used for items without a sender field. Up to 11 letters and digits without spaces, or up to 16 digits.",
		displayOptions: autoMap,
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description:
			'The text of the SMS. Over 160 GSM characters (70 with emoji or other non-GSM characters) it is sent as several parts, each billed. With Merge Fields on, {field} is replaced by that field of the item.',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Input Field Names',
		name: 'inputFields',
		type: 'collection',
		placeholder: 'Rename a Field',
		default: {},
		description:
			'The item fields read for each message. Destinations may be one number, a list, or numbers separated by commas; a dotted name reads a nested field.',
		displayOptions: autoMap,
		options: [
			{
				displayName: 'Body Field',
				name: 'bodyField',
				type: 'string',
				default: 'body',
			},
			{
				displayName: 'Destinations Field',
				name: 'destinationsField',
				type: 'string',
				default: 'destinations',
			},
			{
				displayName: 'IDs Field',
				name: 'idsField',
				type: 'string',
				default: 'ids',
				description: 'Optional: one message ID per destination. Without it the node makes them.',
			},
			{
				displayName: 'Scheduling Field',
				name: 'schedulingField',
				type: 'string',
				default: 'scheduling',
				description: 'Optional: when to send (an ISO date, or epoch seconds or milliseconds). Without it the SMS is sent now.',
			},
			{
				displayName: 'Sender Field',
				name: 'senderField',
				type: 'string',
				default: 'sender',
				description: 'Optional: an item without it uses the Sender parameter',
			},
		],
	},
	rejectedDestinationsField(['sendBatch']),
	...hygieneFields(['sendBatch']),
	deduplicationField(['sendBatch']),
	{
		displayName: 'Message Options',
		name: 'messageOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Hex Body',
				name: 'hexBody',
				type: 'boolean',
				default: false,
				description: 'Whether Body is hexadecimal bytes (two hex digits per byte) instead of text',
			},
			{
				displayName: 'IDs',
				name: 'ids',
				type: 'string',
				default: '',
				placeholder: 'order-1001, order-1002',
				displayOptions: { show: { '/dataMode': ['defineBelow'] } },
				description:
					'Your own message IDs, one per destination and in the same order, separated by commas or new lines; unique within the run. Delivery reports carry them. When empty, the node makes one per destination and outputs it.',
			},
			{
				displayName: 'Merge Fields',
				name: 'mergeFields',
				type: 'boolean',
				default: false,
				description:
					'Whether {field} in the body is replaced by that field of the item ({name}, {order.number}), by the node itself: as fast as a fixed text. An item without the field fails before anything is sent.',
			},
			pastScheduleOption('Scheduling'),
			{
				displayName: 'Scheduling',
				name: 'scheduling',
				type: 'dateTime',
				default: '',
				displayOptions: { show: { '/dataMode': ['defineBelow'] } },
				description:
					"When to send: a date and time (without an offset it is read in the workflow's time zone), or epoch seconds or milliseconds; empty sends now",
			},
			{
				displayName: 'UDH Data',
				name: 'udhData',
				type: 'string',
				default: '',
				placeholder: '050003CC0201',
				description: 'User data header in hex, prepended to the message (for binary or manually concatenated SMS)',
			},
		],
	},
	{
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description:
			'Options of the whole request, read from the first input item. An option is sent only when added here; otherwise Agile Telecom applies its default.',
		displayOptions,
		options: [
			{
				displayName: 'Enable Concatenated',
				name: 'enableConcatenated',
				type: 'boolean',
				default: true,
				description:
					'Whether a long text is sent as several parts. When off, Agile Telecom truncates it to one part. Applies to every message of the request; read from the first item.',
			},
			{
				displayName: 'Enable Delivery',
				name: 'enableDelivery',
				type: 'boolean',
				default: true,
				description:
					'Whether to request delivery reports, sent to the callback URL set in the Agile Telecom portal. Applies to every message of the request; read from the first item.',
			},
			{
				displayName: 'Enable Unicode',
				name: 'enableUnicode',
				type: 'boolean',
				default: true,
				description:
					'Whether texts with characters outside the GSM alphabet (emoji, È, Cyrillic …) are sent as Unicode. When off, Agile Telecom removes or replaces those characters. Read from the first item.',
			},
			{
				displayName: 'Global ID',
				name: 'globalId',
				type: 'string',
				default: '',
				description:
					'Your ID for the submission, echoed in delivery reports. Sent as given when the run needs one request. With several requests each gets it with its first and last item numbers appended (campaign-7-1-500, campaign-7-501-1000; a resend adds -r1 …), because one ID is never sent twice. When empty the node makes one per request. Read from the first item.',
			},
			{
				displayName: 'Max ID Length',
				name: 'maxIdLen',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 64,
				description: 'Longest message ID accepted, in characters. Applies to the whole request; read from the first item.',
			},
			{
				displayName: 'Simulation',
				name: 'simulation',
				type: 'boolean',
				default: false,
				description:
					'Whether Agile Telecom only validates the request without sending any SMS. Applies to the whole request; read from the first item.',
			},
			{
				displayName: 'Skip RCS Override',
				name: 'skipRcsOverride',
				type: 'boolean',
				default: false,
				description:
					'Whether to send plain SMS even when the account is set to upgrade SMS to RCS. Qlara accounts only (the Qlara platform, or a custom URL in the Qlara format).',
			},
		],
	},
	{
		displayName: 'Batching',
		name: 'batching',
		type: 'collection',
		placeholder: 'Add Batching Option',
		default: {},
		description: 'How input items are packed into requests. Read from the first input item.',
		displayOptions,
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: 4,
				description: `How many requests may be in flight at once (1 to ${MAX_CONCURRENCY})`,
			},
			{
				displayName: 'Max Destinations per Request',
				name: 'maxDestinationsPerRequest',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description:
					'A request is closed before it would exceed this many destinations. An item with more destinations than this is rejected: split its list over several items.',
			},
			{
				displayName: 'Messages per Request',
				name: 'messagesPerRequest',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 500,
				description:
					'How many input items (messages) go into one request. If Agile Telecom answers 413 (too large), the node halves the request and sends both halves.',
			},
		],
	},
];
