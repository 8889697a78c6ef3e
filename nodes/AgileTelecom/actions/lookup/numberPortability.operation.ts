import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, deepCopy } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import type { RetrySettings } from '../../transport/retry';
import { mapWithConcurrency } from '../../helpers/concurrency';
import { parseLenientObject } from '../../helpers/lenientJson';
import { invalidField, normalizePhoneNumber, parseCountryCode, splitEntries } from '../../helpers/validation';
import { clampInteger } from '../../helpers/values';
import { apiError, redact, redactDeep } from '../../transport/errors';
import { agileRequest, type Connection } from '../../transport/request';
import { prepareItems, toItemError, type ItemOutcome, type OperationResult } from '../outcome';

const displayOptions = { show: { resource: ['lookup'], operation: ['numberPortability'] } };

/** No MNP rate limit is documented (agile-api.md §15): a few lookups at once finish a list quickly without pushing one. */
export const DEFAULT_MAX_CONCURRENCY = 5;
const MAX_CONCURRENCY_LIMIT = 20;

export const description: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+393351234567',
		description:
			'The number to look up, in international format: + (or 00), country code and number; spaces, dashes and dots are ignored. One number per item: split a list into items first (e.g. with Split Out). The same number in several items is looked up once.',
		displayOptions,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Default Country Code',
				name: 'defaultCountryCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. 39',
				description:
					'Country calling code for numbers written without + or 00, e.g. 39 for Italy: 3351234567 becomes +393351234567. The national trunk 0 is dropped (07911 123456 with 44 becomes +447911123456) except where it belongs to the number, as in Italy (06 1234567 becomes +39061234567). Numbers with + or 00 are never changed. Empty: national numbers are refused rather than guessed.',
			},
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY_LIMIT },
				// A literal because n8n's lint reads defaults statically; equals DEFAULT_MAX_CONCURRENCY.
				default: 5,
				description: 'How many lookups run at the same time. Lower it if Agile Telecom answers 429 (too many requests).',
			},
		],
	},
];

/** The documented answer (agile-api.md §15); `numbertype` is spelled so by the docs, `numberType` accepted too. */
interface MnpAnswer {
	number?: unknown;
	mcc?: unknown;
	mnc?: unknown;
	numbertype?: unknown;
	numberType?: unknown;
	ported?: unknown;
	operator?: unknown;
	country?: unknown;
	error_code?: unknown;
	error_description?: unknown;
}

const ANSWER_FIELDS: Array<keyof MnpAnswer> = ['number', 'mcc', 'mnc', 'numbertype', 'numberType', 'ported', 'operator', 'country'];

/** Codes stay strings: an MNC such as "01" loses its meaning as the number 1. */
function text(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function flag(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 1 || value === '1') return true;
	if (value === 'false' || value === 0 || value === '0') return false;
	return null;
}

function answerOf(body: unknown): MnpAnswer | undefined {
	if (typeof body === 'string') return parseLenientObject(body);
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as MnpAnswer) : undefined;
}

/**
 * The output of one lookup, or the error its answer stands for. Errors normally come with a 4xx/5xx and are
 * mapped by the transport; an `error_code` inside a 2xx is treated the same way, by the code it carries.
 */
function readAnswer(
	ctx: IExecuteFunctions,
	connection: Connection,
	sent: string,
	response: { statusCode: number; body: unknown },
	itemIndex: number,
): IDataObject {
	const answer = answerOf(response.body);
	if (answer && (answer.error_code !== undefined || answer.error_description !== undefined)) {
		const code = Number(answer.error_code);
		throw apiError(ctx.getNode(), {
			status: code >= 400 && code < 600 ? code : 500,
			receivedStatus: response.statusCode,
			body: answer,
			secrets: connection.secrets,
			itemIndex,
			read: true,
		});
	}
	if (!answer || !ANSWER_FIELDS.some((field) => answer[field] !== undefined)) {
		const raw = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
		throw new NodeApiError(
			ctx.getNode(),
			{ message: 'No number portability fields in the answer', body: (redact(raw, connection.secrets) ?? '').slice(0, 500) } as JsonObject,
			{
				message: `Agile Telecom answered the lookup of ${sent} without the documented fields (number, mcc, mnc, operator, ported)`,
				description:
					'No SMS was sent. If you use a Custom URL in the credential, check that it serves /services/mnp/number-lookup; otherwise contact Agile Telecom support with the time of the request.',
				itemIndex,
			},
		);
	}
	return {
		number: text(answer.number) ?? sent,
		mcc: text(answer.mcc),
		mnc: text(answer.mnc),
		operator: text(answer.operator),
		country: text(answer.country),
		ported: flag(answer.ported),
		numberType: text(answer.numbertype ?? answer.numberType),
		raw: redactDeep(answer, connection.secrets) as IDataObject,
	};
}

/** What an item asks about and how to retry it; every per-item parameter is read here, before anything is sent. */
interface LookupPlan {
	number: string;
	retry: RetrySettings;
}

/** The number an item asks about, or why it cannot be looked up. Nothing is sent for an invalid item. */
function planItem(ctx: IExecuteFunctions, itemIndex: number): LookupPlan | NodeOperationError {
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { defaultCountryCode?: unknown };
	const retry = getRetrySettings(ctx, itemIndex);
	const country = parseCountryCode(options.defaultCountryCode);
	if (country.problem) return invalidField(node, itemIndex, 'Default Country Code', country.problem);
	const values = splitEntries(ctx.getNodeParameter('phoneNumber', itemIndex, ''));
	if (values.length === 0) {
		return invalidField(node, itemIndex, 'Phone Number', 'is empty. Give the number to look up, e.g. +393351234567');
	}
	if (values.length > 1) {
		return invalidField(
			node,
			itemIndex,
			'Phone Number',
			`holds ${values.length} numbers ("${values[0]}", "${values[1]}"…), but a lookup takes one number per item. Split the list into items first, e.g. with a Split Out node`,
		);
	}
	const { number, problem } = normalizePhoneNumber(values[0], country.countryCode);
	return number ? { number, retry } : invalidField(node, itemIndex, 'Phone Number', problem ?? 'is not a phone number');
}

function maxConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as { maxConcurrency?: unknown };
	return clampInteger(options.maxConcurrency, DEFAULT_MAX_CONCURRENCY, 1, MAX_CONCURRENCY_LIMIT);
}

/**
 * One GET per distinct number (items asking about the same number share its answer), at most Max Concurrency
 * at a time. Every item is validated before the first request. Without continue-on-fail the first failure
 * stops new lookups and is thrown once the ones in flight have finished.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<OperationResult> {
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const { valid, outcomes } = prepareItems(this, items.length, (itemIndex) => planItem(this, itemIndex));
	const itemsByNumber = new Map<string, number[]>();
	const retries = new Map<number, RetrySettings>();
	for (const { itemIndex, value: { number, retry } } of valid) {
		retries.set(itemIndex, retry);
		const sharing = itemsByNumber.get(number);
		if (sharing) sharing.push(itemIndex);
		else itemsByNumber.set(number, [itemIndex]);
	}

	const numbers = [...itemsByNumber.keys()];
	const signal = this.getExecutionCancelSignal();
	const lookUp = async (number: string, itemIndex: number): Promise<IDataObject> => {
		const response = await agileRequest(this, connection, {
			method: 'GET',
			url: connection.endpoints.mnpLookup,
			// n8n encodes the query, so the + of the number travels as %2B, as the docs require (agile-api.md §15).
			qs: { msisdn: number },
			kind: 'read',
			retry: retries.get(itemIndex),
			itemIndex,
		});
		return readAnswer(this, connection, number, response, itemIndex);
	};
	await mapWithConcurrency(numbers.length, maxConcurrency(this), async (k, stop) => {
		const number = numbers[k];
		const itemIndexes = itemsByNumber.get(number) ?? [];
		const outcome = await lookUp(number, itemIndexes[0]).then(
			(json): ItemOutcome => ({ json }),
			(error: unknown): ItemOutcome => ({ error: toItemError(node, error, itemIndexes[0]) }),
		);
		itemIndexes.forEach((itemIndex, n) => {
			outcomes[itemIndex] = 'json' in outcome && n > 0 ? { json: deepCopy(outcome.json) } : outcome;
		});
		if ('error' in outcome && (!continueOnFail || signal?.aborted)) {
			stop();
			throw outcome.error;
		}
	});
	return { outcomes };
}
