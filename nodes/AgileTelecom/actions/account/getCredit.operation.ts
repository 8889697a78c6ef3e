import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getRetrySettings } from '../../descriptions/retry';
import type { RetrySettings } from '../../transport/retry';
import { invalidField } from '../../helpers/validation';
import { redact } from '../../transport/errors';
import { agileRequest, type Connection } from '../../transport/request';
import { prepareItems, toItemError, type OperationResult } from '../outcome';

const displayOptions = { show: { resource: ['account'], operation: ['getCredit'] } };

/**
 * `legacy`: `…/services/sms/credit` (or `/api/services/sms/credit` on Qlara), answering `{ credit }`.
 * `partnerGateway`: Qlara's `/api/v1/partner-gateway/subscription/credit`, answering
 * `{ credit, frozenCredit, availableCredit }` (agile-api.md §5).
 */
type CreditSource = 'auto' | 'legacy' | 'partnerGateway';
type Endpoint = Exclude<CreditSource, 'auto'>;

const SOURCES: CreditSource[] = ['auto', 'legacy', 'partnerGateway'];

/** Every documented credit is in euro (agile-api.md §5). */
const CURRENCY = 'EUR';

export const description: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Automatic',
				value: 'auto',
				description:
					'Qlara credentials: the partner gateway subscription credit (with frozen and available credit), falling back to the SMS credit endpoint if the key may not read it. Other platforms: the SMS credit endpoint.',
			},
			{
				name: 'Qlara Partner Gateway',
				value: 'partnerGateway',
				description:
					'GET /api/v1/partner-gateway/subscription/credit on the Qlara host: total, frozen (reserved for queued campaigns) and available credit. Needs a key with billing read permission.',
			},
			{
				name: 'SMS Credit Endpoint',
				value: 'legacy',
				description:
					'GET /services/sms/credit (wholesale, secure, http-api) or /api/services/sms/credit (Qlara): the balance only',
			},
		],
		default: 'auto',
		description: 'Which Agile Telecom endpoint to read the credit from. Leave on Automatic unless you need a specific one.',
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
				displayName: 'Fail Below (EUR)',
				name: 'failBelow',
				type: 'number',
				typeOptions: { numberPrecision: 2 },
				default: 0,
				description:
					'Stop with an error when the available credit is lower than this amount in euro, e.g. to stop a workflow before a campaign. With "Continue On Fail" the items become error items instead.',
			},
		],
	},
];

interface CreditReading {
	credit: number;
	availableCredit: number;
	frozenCredit?: number;
	source: Endpoint;
	/** Path of the endpoint that answered (the host is the credential's). */
	endpoint: string;
}

interface ItemPlan {
	source: CreditSource;
	failBelow?: number;
	retry: RetrySettings;
}

function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		const n = Number(value);
		return Number.isFinite(n) ? n : undefined;
	}
	return undefined;
}

// Money in floating point: keep subtraction results such as 10.3 - 0.1 from showing 10.200000000000001.
function roundMoney(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/** Only `{ credit }` is documented; a JSend `data` wrapper is accepted too in case a host adds one. */
function creditFields(body: unknown): Record<string, unknown> | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const b = body as Record<string, unknown>;
	if ('credit' in b || 'availableCredit' in b) return b;
	const data = b.data;
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
	return undefined;
}

function pathOf(url: string): string {
	return new URL(url).pathname;
}

function unexpectedBody(
	ctx: IExecuteFunctions,
	url: string,
	body: unknown,
	itemIndex: number,
	secrets: string[],
): NodeApiError {
	const text = redact(typeof body === 'string' ? body : JSON.stringify(body ?? null), secrets) ?? '';
	return new NodeApiError(ctx.getNode(), { message: 'No numeric credit in the answer', body: text.slice(0, 500) } as JsonObject, {
		message: `Agile Telecom answered ${pathOf(url)} without a numeric credit`,
		description:
			'The response did not have the documented shape ({ "credit": 10.5 }). Try the other Source, and check that the Platform in the credential matches the account.',
		itemIndex,
	});
}

async function readCredit(
	ctx: IExecuteFunctions,
	connection: Connection,
	source: CreditSource,
	itemIndex: number,
	retry: RetrySettings,
): Promise<CreditReading> {
	const { endpoints } = connection;

	// The partner gateway reports the frozen credit, which "available" must exclude, so it is preferred where it exists.
	// It lives only on the Qlara host, so Automatic never sends a wholesale key there.
	const tryGatewayFirst = source === 'partnerGateway' || (source === 'auto' && endpoints.format === 'qlara');
	if (tryGatewayFirst) {
		const url = endpoints.qlaraSubscriptionCredit;
		const response = await agileRequest(ctx, connection, {
			method: 'GET',
			url,
			kind: 'read',
			retry,
			itemIndex,
			// 403: a key without billing read permission (UC-016); 404: no subscription. The SMS credit endpoint may
			// still answer either way; an unrelated 403 (IP whitelist) will be reported by that request.
			passThrough: source === 'auto' ? [403, 404] : undefined,
		});
		if (response.statusCode >= 200 && response.statusCode < 300) {
			const fields = creditFields(response.body);
			const credit = toNumber(fields?.credit);
			if (credit === undefined) throw unexpectedBody(ctx, url, response.body, itemIndex, connection.secrets);
			let frozenCredit = toNumber(fields?.frozenCredit);
			let availableCredit = toNumber(fields?.availableCredit);
			availableCredit ??= roundMoney(credit - (frozenCredit ?? 0));
			frozenCredit ??= roundMoney(credit - availableCredit);
			return { credit, frozenCredit, availableCredit, source: 'partnerGateway', endpoint: pathOf(url) };
		}
	}

	const url = endpoints.credit;
	const response = await agileRequest(ctx, connection, { method: 'GET', url, kind: 'read', retry, itemIndex });
	const credit = toNumber(creditFields(response.body)?.credit);
	if (credit === undefined) throw unexpectedBody(ctx, url, response.body, itemIndex, connection.secrets);
	// This endpoint reports no reserved credit, so all of it is available.
	return { credit, availableCredit: credit, source: 'legacy', endpoint: pathOf(url) };
}

function outputOf(reading: CreditReading): IDataObject {
	const json: IDataObject = { credit: reading.credit };
	if (reading.frozenCredit !== undefined) json.frozenCredit = reading.frozenCredit;
	json.availableCredit = reading.availableCredit;
	json.currency = CURRENCY;
	json.source = reading.source;
	json.endpoint = reading.endpoint;
	return json;
}

function belowThreshold(
	ctx: IExecuteFunctions,
	reading: CreditReading,
	failBelow: number,
	itemIndex: number,
): NodeOperationError {
	const error = new NodeOperationError(
		ctx.getNode(),
		`The available Agile Telecom credit is ${reading.availableCredit} ${CURRENCY}, below the threshold of ${failBelow} ${CURRENCY}`,
		{
			itemIndex,
			description: 'Top up the account in the Agile Telecom portal, or lower "Fail Below" in the options of this node.',
		},
	);
	// The router copies `context.details` into the error item, so a continue-on-fail branch can still read the numbers.
	error.context.details = { ...outputOf(reading), failBelow };
	return error;
}

/**
 * One request per distinct Source, not one per item: the credit belongs to the account behind the credential,
 * so N items would otherwise make N identical GETs (and spend N of Qlara's per-key rate limit) for one answer.
 * Each item still gets its own output item, paired with it, and its own threshold check.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
): Promise<OperationResult> {
	const continueOnFail = this.continueOnFail();
	const { valid, outcomes } = prepareItems(this, items.length, (i): ItemPlan | NodeOperationError => {
		const source = this.getNodeParameter('source', i, 'auto') as CreditSource;
		const options = this.getNodeParameter('options', i, {}) as { failBelow?: unknown };
		const retry = getRetrySettings(this, i);
		if (!SOURCES.includes(source)) {
			return invalidField(this.getNode(), i, 'Source', `"${String(source)}" is not one of ${SOURCES.join(', ')}`);
		}
		if (options.failBelow === undefined || options.failBelow === null || options.failBelow === '') return { source, retry };
		const failBelow = toNumber(options.failBelow);
		if (failBelow === undefined) {
			return invalidField(this.getNode(), i, 'Fail Below (EUR)', `"${String(options.failBelow)}" is not a number`);
		}
		return { source, failBelow, retry };
	});

	const readings = new Map<CreditSource, CreditReading | NodeApiError | NodeOperationError>();
	for (const { itemIndex: i, value: plan } of valid) {
		let reading = readings.get(plan.source);
		if (reading === undefined) {
			const pending = readCredit(this, connection, plan.source, i, plan.retry);
			reading = continueOnFail ? await pending.catch((error: unknown) => toItemError(this.getNode(), error, i)) : await pending;
			readings.set(plan.source, reading);
		}
		if (reading instanceof NodeApiError || reading instanceof NodeOperationError) {
			outcomes[i] = { error: reading };
			continue;
		}
		if (plan.failBelow !== undefined && reading.availableCredit < plan.failBelow) {
			const error = belowThreshold(this, reading, plan.failBelow, i);
			if (!continueOnFail) throw error;
			outcomes[i] = { error };
			continue;
		}
		outcomes[i] = { json: outputOf(reading) };
	}
	return { outcomes };
}
