import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

// Defaults are literals because n8n's lint reads them statically; a test checks they equal DEFAULT_RETRY.
import { clampRetrySettings, MAX_RETRIES_LIMIT, type RetrySettings } from '../transport/retry';

export const retryFields: INodeProperties[] = [
	{
		displayName: 'Retry',
		name: 'retry',
		type: 'collection',
		placeholder: 'Add Retry Setting',
		default: {},
		description:
			'How the node retries a single request. Use these instead of n8n\'s "Retry On Fail" setting, which re-runs every item of the node and can send SMS twice.',
		options: [
			{
				displayName: 'Initial Delay (Ms)',
				name: 'initialDelay',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 1000,
				description:
					'First wait when the server does not say how long to wait; each further retry doubles it (with jitter)',
			},
			{
				displayName: 'Max Delay (Ms)',
				name: 'maxDelay',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60000,
				description:
					'Longest single wait. If Agile Telecom asks for a longer wait than this, the node stops and reports it instead of retrying too early, and the items waiting behind that answer fail at once with the same error.',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_RETRIES_LIMIT },
				default: 3,
				description: `How many times one request may be retried (0 to ${MAX_RETRIES_LIMIT})`,
			},
			{
				displayName: 'Retry on Rate Limit (429)',
				name: 'retryOnRateLimit',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait and retry when Agile Telecom answers 429, as long as it asks (Retry-After, retryAfter or X-RateLimit-Reset). Safe: a 429 means nothing was sent.',
			},
			{
				displayName: 'Retry on Server Errors (May Duplicate SMS)',
				name: 'retryOnServerErrors',
				type: 'boolean',
				default: false,
				description:
					'Whether to also retry sends after a timeout, a 5xx/408 answer or a connection dropped after sending. The server may have accepted the first attempt, so this can send an SMS twice; retries reuse the same message IDs so the duplicate can be traced. Read operations always retry these.',
			},
		],
	},
];

export function getRetrySettings(ctx: IExecuteFunctions, itemIndex = 0): RetrySettings {
	return clampRetrySettings(ctx.getNodeParameter('retry', itemIndex, {}) as Partial<RetrySettings>);
}
