import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { resolveEndpoints, baseUrlProblem, type Endpoints } from './endpoints';
import { NEVER_CONNECTED_CODES, apiError, providerTextOf, redact } from './errors';
import { backoffDelay, serverRequestedWait, type RetrySettings, DEFAULT_RETRY } from './retry';

export const CREDENTIAL_TYPE = 'agileTelecomApi';

export type AgileContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/**
 * `send` may create an SMS: only what the server provably did not accept is retried unless the user opts in.
 * `read` changes nothing and may be retried on any transient failure.
 */
export type RequestKind = 'send' | 'read';

export interface AgileRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject | IDataObject[];
	qs?: IDataObject;
	kind: RequestKind;
	retry?: RetrySettings;
	itemIndex?: number;
	/** Statuses the caller handles itself (e.g. 413 to split a batch, 404 for an unknown id). */
	passThrough?: number[];
	timeout?: number;
}

export interface AgileResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
	/** How many HTTP requests this call made, the successful one included. */
	attempts: number;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface Connection {
	endpoints: Endpoints;
	secrets: string[];
}

/** Reads the credential once per execution: where requests go and which strings must never be shown. */
export async function getConnection(ctx: AgileContext): Promise<Connection> {
	const credentials: ICredentialDataDecryptedObject = await ctx.getCredentials(CREDENTIAL_TYPE);
	const endpoints = resolveEndpoints(credentials);
	const problem = baseUrlProblem(endpoints.baseUrl);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `Agile Telecom API credential: ${problem}`, {
			description: 'Edit the credential: Platform and Base URL.',
		});
	}
	const secrets = [credentials.apiKey, credentials.password]
		.filter((s): s is string => typeof s === 'string' && s.length > 0);
	if (credentials.username && credentials.password) {
		secrets.push(Buffer.from(`${String(credentials.username)}:${String(credentials.password)}`).toString('base64'));
	}
	return { endpoints, secrets };
}

function cancelSignal(ctx: AgileContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

function networkCodeOf(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : String(error);
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return 'ENETWORK';
}

function isJsendError(body: unknown): boolean {
	return (
		!!body &&
		typeof body === 'object' &&
		((body as { status?: unknown }).status === 'error' || (body as { status?: unknown }).status === 'fail')
	);
}

/**
 * The one place this package talks HTTP. Retries follow the rules in the README ("Retries"):
 * 429 and connections that never opened are always safe to resend; 408, 5xx, timeouts and dropped
 * connections are resent for sends only when the user turned on "Retry on Server Errors", and the caller
 * sends the very same body (same globalId, ids, messageId) every time.
 */
export async function agileRequest<T = unknown>(
	ctx: AgileContext,
	connection: Connection,
	request: AgileRequest,
): Promise<AgileResponse<T>> {
	const retry = request.retry ?? DEFAULT_RETRY;
	const signal = cancelSignal(ctx);
	const node = ctx.getNode();
	const mayRetryAmbiguous = request.kind === 'read' || retry.retryOnServerErrors;
	let retriesDone = 0;
	let lastWait: number | undefined;

	const wait = async (ms: number) => {
		lastWait = ms;
		try {
			await sleep(ms, signal);
		} catch {
			throw new NodeOperationError(node, 'The execution was cancelled while waiting to retry', {
				itemIndex: request.itemIndex,
			});
		}
	};

	for (;;) {
		let response: FullResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
				method: request.method,
				url: request.url,
				body: request.body,
				qs: request.qs,
				json: true,
				headers: { Accept: 'application/json' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: request.timeout ?? (request.kind === 'send' ? 60000 : 30000),
			})) as FullResponse;
		} catch (error) {
			if (signal?.aborted) {
				throw new NodeOperationError(node, 'The execution was cancelled', { itemIndex: request.itemIndex });
			}
			const networkCode = networkCodeOf(error);
			const neverConnected = NEVER_CONNECTED_CODES.has(networkCode);
			if ((neverConnected || mayRetryAmbiguous) && retriesDone < retry.maxRetries) {
				retriesDone++;
				await wait(backoffDelay(retriesDone, retry));
				continue;
			}
			throw apiError(node, {
				networkCode,
				itemIndex: request.itemIndex,
				detail: retriesDone ? `Gave up after ${retriesDone + 1} attempts` : undefined,
			});
		}

		const { statusCode, headers, body } = response;
		const ok = statusCode >= 200 && statusCode < 300;
		if ((ok && !isJsendError(body)) || request.passThrough?.includes(statusCode)) {
			return { statusCode, headers, body: body as T, attempts: retriesDone + 1 };
		}

		const providerText = redact(providerTextOf(body), connection.secrets);
		if (statusCode === 429) {
			const asked = serverRequestedWait(headers, body);
			const delay = asked ?? backoffDelay(retriesDone + 1, retry);
			const withinCap = asked === undefined || asked <= retry.maxDelay;
			if (retry.retryOnRateLimit && retriesDone < retry.maxRetries && withinCap) {
				retriesDone++;
				await wait(delay);
				continue;
			}
			const why = !retry.retryOnRateLimit
				? 'Retry on rate limit is off'
				: !withinCap
					? `The server asked to wait ${Math.ceil(delay / 1000)} s, more than the Max Delay of ${Math.ceil(retry.maxDelay / 1000)} s`
					: `Gave up after ${retriesDone + 1} attempts${lastWait !== undefined ? `; the last wait was ${Math.ceil(lastWait / 1000)} s` : ''}`;
			throw apiError(node, {
				status: 429,
				body,
				providerText,
				itemIndex: request.itemIndex,
				detail: `${why}${asked !== undefined ? ` (server asked for ${Math.ceil(asked / 1000)} s)` : ''}`,
				failure: { cause: 'rate-limited', ...(asked !== undefined ? { retryAfterMs: asked } : {}) },
			});
		}
		const ambiguous = statusCode === 408 || statusCode >= 500;
		if (ambiguous && mayRetryAmbiguous && retriesDone < retry.maxRetries) {
			retriesDone++;
			await wait(serverRequestedWait(headers, body) ?? backoffDelay(retriesDone, retry));
			continue;
		}
		throw apiError(node, {
			status: ok ? 400 : statusCode,
			body,
			providerText,
			itemIndex: request.itemIndex,
			detail: retriesDone ? `Gave up after ${retriesDone + 1} attempts` : undefined,
		});
	}
}
