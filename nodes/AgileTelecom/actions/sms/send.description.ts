import type { INodeProperties } from 'n8n-workflow';

import { dataModeField, deduplicationField, hygieneFields, pastScheduleOption, rejectedDestinationsField } from '../../descriptions/send';

const displayOptions = { show: { resource: ['sms'], operation: ['send'] } };
const defineBelow = { show: { ...displayOptions.show, dataMode: ['defineBelow'] } };
const autoMap = { show: { ...displayOptions.show, dataMode: ['autoMapInputData'] } };

/** Documented Qlara production limits (agile-api.md §9): 1,000 requests/min, bursts of 50/s, per API key. */
export const DEFAULT_MAX_CONCURRENCY = 10;
/** 16/s = 960/min: inside both production limits even when sustained for minutes. */
export const DEFAULT_MAX_REQUESTS_PER_SECOND = 16;

/** The item fields "Auto-Map Input Fields" reads, by default named like the API's own fields (agile-api.md §4.1). */
export const QLARA_INPUT_FIELDS = {
	destinationField: 'destination',
	bodyField: 'body',
	senderField: 'sender',
	messageIdField: 'messageId',
	campaignIdField: 'campaignId',
	scheduledDateField: 'scheduledDate',
	placeholdersField: 'placeholders',
} as const;

// Defaults below are literals because n8n's lint reads them statically; a test checks they equal the constants.
export const description: INodeProperties[] = [
	dataModeField('send', 'destination, body, sender, message ID, campaign ID, scheduling and placeholders'),
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+393351234567',
		description:
			'Recipient in international format: + (or 00), country code and number. One SMS per input item.',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'MyShop',
		description:
			'Sender registered on the Qlara portal: up to 11 letters and digits without spaces, or up to 16 digits',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		default: '',
		placeholder: 'MyShop',
		description:
			'Used for items without a sender field. Registered on the Qlara portal: up to 11 letters and digits without spaces, or up to 16 digits.',
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
			'Text of the SMS. {name} is replaced by the placeholder "name" (Options → Placeholders), or with Merge Fields on by the field "name" of the item.',
		displayOptions: defineBelow,
	},
	{
		displayName: 'Input Field Names',
		name: 'inputFields',
		type: 'collection',
		placeholder: 'Rename a Field',
		default: {},
		description: 'The item fields read for each SMS; a dotted name reads a nested field',
		displayOptions: autoMap,
		options: [
			{
				displayName: 'Body Field',
				name: 'bodyField',
				type: 'string',
				default: 'body',
			},
			{
				displayName: 'Campaign ID Field',
				name: 'campaignIdField',
				type: 'string',
				default: 'campaignId',
				description: 'Optional',
			},
			{
				displayName: 'Destination Field',
				name: 'destinationField',
				type: 'string',
				default: 'destination',
			},
			{
				displayName: 'Message ID Field',
				name: 'messageIdField',
				type: 'string',
				default: 'messageId',
				description: 'Optional: without it the node makes the ID',
			},
			{
				displayName: 'Placeholders Field',
				name: 'placeholdersField',
				type: 'string',
				default: 'placeholders',
				description: 'Optional: an object of placeholder names and values, filled in by Agile Telecom',
			},
			{
				displayName: 'Scheduled Date Field',
				name: 'scheduledDateField',
				type: 'string',
				default: 'scheduledDate',
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
	rejectedDestinationsField(['send']),
	...hygieneFields(['send']),
	deduplicationField(['send']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Campaign ID',
				name: 'campaignId',
				displayOptions: { show: { '/dataMode': ['defineBelow'] } },
				type: 'string',
				default: '',
				description: 'Label that groups messages in Qlara reports (up to 255 characters)',
			},
			{
				displayName: 'Enable Notification',
				name: 'enableNotification',
				type: 'boolean',
				default: true,
				description:
					"Whether Agile Telecom sends delivery reports for this SMS to the callback URL configured on the account",
			},
			{
				displayName: 'Merge Fields',
				name: 'mergeFields',
				type: 'boolean',
				default: false,
				description:
					'Whether {field} in the body is filled in by the node from that field of the item ({name}, {order.number}), or from Placeholders when one has that name. The SMS is sent fully written, so its parts are counted exactly; an item without the field fails before anything is sent.',
			},
			{
				displayName: 'Message ID',
				name: 'messageId',
				displayOptions: { show: { '/dataMode': ['defineBelow'] } },
				type: 'string',
				default: '',
				description:
					'Your own ID for tracking this SMS, unique within the run. When empty, the node makes a UUID; either way the ID is in the output and is reused by every retry.',
			},
			pastScheduleOption('Scheduled Date'),
			{
				displayName: 'Placeholders',
				name: 'placeholders',
				displayOptions: { show: { '/dataMode': ['defineBelow'] } },
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Placeholder',
				default: {},
				description: 'Values for the {name} markers of the body, filled in by Agile Telecom',
				options: [
					{
						displayName: 'Placeholder',
						name: 'placeholder',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'firstName',
								description: 'Written in the body as {name}',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
							},
						],
					},
				],
			},
			{
				displayName: 'Scheduled Date',
				name: 'scheduledDate',
				displayOptions: { show: { '/dataMode': ['defineBelow'] } },
				type: 'dateTime',
				default: '',
				description:
					"When Agile Telecom should send the SMS: a date and time (without an offset it is read in the workflow's time zone), or epoch seconds or milliseconds",
			},
			{
				displayName: 'Simulation',
				name: 'simulation',
				type: 'boolean',
				default: false,
				description: 'Whether Agile Telecom only validates the request, without sending the SMS or using credit',
			},
			{
				displayName: 'Skip RCS Override',
				name: 'skipRcsOverride',
				type: 'boolean',
				default: false,
				description: 'Whether to send a plain SMS even when the account is set to upgrade SMS to RCS',
			},
			{
				displayName: 'UDH Data',
				name: 'udhData',
				type: 'string',
				default: '',
				placeholder: '050003CC0201',
				description: 'User data header in hexadecimal, for binary messages or manual concatenation',
			},
		],
	},
	{
		displayName: 'Throughput',
		name: 'throughput',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description:
			'How fast items are sent. Qlara allows 1,000 requests per minute with bursts of 50 per second on production accounts, 100 per minute with bursts of 10 per second on trial accounts; the defaults stay inside the production limit.',
		displayOptions,
		options: [
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 10,
				description: 'How many requests may be waiting for an answer at the same time',
			},
			{
				displayName: 'Max Requests per Second',
				name: 'maxRequestsPerSecond',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 2 },
				default: 16,
				description:
					'Ceiling the node keeps to, spacing requests evenly. 16 stays inside the production limit (1,000 per minute); use 1.6 for a trial account (100 per minute).',
			},
		],
	},
];
