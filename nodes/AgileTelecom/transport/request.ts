import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { RateLimiter } from '../helpers/rateLimiter';

import { PLATFORM_NAMES, qlaraAccount, resolveEndpoints, baseUrlProblem, type Endpoints } from './endpoints';
import { NEVER_CONNECTED_CODES, apiError, jsendStatus } from './errors';
import { backoffDelay, formatWait, serverRequestedWait, type RetrySettings, DEFAULT_RETRY } from './retry';

export const CREDENTIAL_TYPE = 'agileTelecomApi';

export type AgileContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/**
 * `send` may create an SMS: only what the server provably did not accept is retried unless the user opts in.
 * `read` changes nothing and may be retried on any transient failure.
 */
export type RequestKind = 'send' | 'read';

/**
 * A 429 whose wait is longer than Max Delay. The item whose request got it fails with this error, and so does
 * every item held behind it by a shared pacer, each under its own item number, with the same message.
 */
export class RefusedWait {
	constructor(
		/** The item whose request got the 429. */
		readonly itemIndex: number | undefined,
		private readonly build: (itemIndex: number | undefined, note?: string) => NodeApiError,
	) {}

	/** The error of the item that got the answer (`itemIndex` omitted) or of one that waited behind it. */
	errorFor(itemIndex = this.itemIndex): NodeApiError {
		if (itemIndex === this.itemIndex || this.itemIndex === undefined) return this.build(itemIndex);
		return this.build(
			itemIndex,
			`Item ${(itemIndex ?? 0) + 1} was not sent: it was waiting for the rate limit when the request of item ${this.itemIndex + 1} got this answer, and the node holds no item longer than Max Delay.`,
		);
	}
}

/**
 * Client-side pacing shared by many requests (the Qlara send's rate limiter). Called before every attempt,
 * retries included, and told about every 429 so the requests of other items back off too, not only this one.
 * `refused` is what the others fail with if the wait is longer than the pacer may hold them (Max Delay).
 */
export interface RequestPacer {
	beforeAttempt(): Promise<void>;
	onRateLimited(waitMs: number, refused: RefusedWait): void;
}

/**
 * The pacer of one item on a shared RateLimiter, whose `maxWait` is the Retry settings' Max Delay: a refused wait
 * fails the item with that 429's error under its own number, a cancel with a cancel.
 */
export function limiterPacer(ctx: AgileContext, limiter: RateLimiter, itemIndex: number): RequestPacer {
	return {
		beforeAttempt: async () =>
			await limiter.acquire().catch((reason: unknown) => {
				if (reason instanceof RefusedWait) throw reason.errorFor(itemIndex);
				throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for the rate limit', { itemIndex });
			}),
		onRateLimited: (waitMs, refused) => limiter.pause(waitMs, refused),
	};
}

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
	pacer?: RequestPacer;
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

/**
 * Refuses a Qlara-only operation on a credential of another platform, before any request: the wrong key would
 * otherwise reach lora-api.agiletelecom.com and come back as a 401 about the key. `operation` is what the user
 * chose, as the editor shows it, e.g. 'Send (Qlara)'.
 */
export function requireQlara(ctx: AgileContext, connection: Connection, operation: string): void {
	const { endpoints } = connection;
	if (qlaraAccount(endpoints)) return;
	const configured =
		endpoints.platform === 'custom'
			? `${PLATFORM_NAMES.custom} with API Format "Agile Telecom REST"`
			: `the ${PLATFORM_NAMES[endpoints.platform]} platform`;
	throw new NodeOperationError(
		ctx.getNode(),
		`${operation} needs a Qlara account, but the Agile Telecom API credential is set to ${configured}`,
		{
			description:
				'Send (Qlara), Get Status and the automatic webhook registration exist only on Qlara (lora-api.agiletelecom.com). Nothing was sent. If the account is a Qlara account, edit the credential: set Platform to Qlara (or, for a Custom URL in front of a Qlara account, set API Format to Qlara). Wholesale and legacy accounts send with SMS → Send Batch (Wholesale) and receive delivery reports when the trigger\'s URL is pasted in the portal.',
		},
	);
}

function cancelSignal(ctx: AgileContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/**
 * The Node.js network code (ECONNREFUSED …) anywhere in the error's cause chain, if there is one. n8n's
 * NodeApiError also keeps it as `httpCode`, which is all there is on n8n 1.x: its errors lose their `cause` (a
 * class field of n8n-workflow 1.120's ExecutionBaseError overwrites it), and without the code a refused
 * connection would pass for one that broke after sending.
 */
function networkCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		for (const code of [(current as { code?: unknown }).code, (current as { httpCode?: unknown }).httpCode]) {
			if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		}
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : String(error);
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

/** The original error's own words: n8n-core wraps it in a NodeApiError whose message may be a canned text. */
function causeMessage(error: unknown): string | undefined {
	const cause = (error as { cause?: unknown } | undefined)?.cause;
	const source = cause instanceof Error ? cause : error instanceof Error ? error : undefined;
	return source?.message;
}

function isJsendError(body: unknown): boolean {
	return (
		!!body &&
		typeof body === 'object' &&
		((body as { status?: unknown }).status === 'error' || (body as { status?: unknown }).status === 'fail')
	);
}

function attempts(count: number): string {
	return `${count} attempt${count === 1 ? '' : 's'}`;
}

/** The retry bookkeeping of one `agileRequest`: how many retries were made and how long the last wait was. */
class RetryState {
	private retriesDone = 0;
	private lastWait: number | undefined;
	private readonly retry: RetrySettings;
	private readonly mayRetryAmbiguous: boolean;
	private readonly signal: AbortSignal | undefined;

	constructor(
		private readonly ctx: AgileContext,
		private readonly connection: Connection,
		private readonly request: AgileRequest,
	) {
		this.retry = request.retry ?? DEFAULT_RETRY;
		this.mayRetryAmbiguous = request.kind === 'read' || this.retry.retryOnServerErrors;
		this.signal = cancelSignal(ctx);
	}

	get attempts(): number {
		return this.retriesDone + 1;
	}

	private get canRetry(): boolean {
		return this.retriesDone < this.retry.maxRetries;
	}

	private async wait(ms: number): Promise<void> {
		this.retriesDone++;
		this.lastWait = ms;
		try {
			await sleep(ms, this.signal);
		} catch {
			throw new NodeOperationError(this.ctx.getNode(), 'The execution was cancelled while waiting to retry', {
				description: `Attempts made before the cancel: ${this.retriesDone}. Nothing more was sent.`,
				itemIndex: this.request.itemIndex,
			});
		}
	}

	private gaveUp(): string | undefined {
		if (!this.retriesDone) return undefined;
		const last = this.lastWait !== undefined ? `; the last wait was ${formatWait(this.lastWait)}` : '';
		return `Gave up after ${attempts(this.retriesDone + 1)}${last}`;
	}

	/** The request failed without an HTTP answer: waits for a retry, or throws what happened. */
	async afterNetworkError(error: unknown): Promise<void> {
		const { request } = this;
		if (this.signal?.aborted) {
			const cancelled = new NodeOperationError(this.ctx.getNode(), 'The execution was cancelled', { itemIndex: request.itemIndex });
			// The request had left: the server may have accepted it before the cancel.
			cancelled.context.requestInFlight = true;
			throw cancelled;
		}
		const networkCode = networkCodeOf(error);
		const neverConnected = networkCode !== undefined && NEVER_CONNECTED_CODES.has(networkCode);
		if ((neverConnected || this.mayRetryAmbiguous) && this.canRetry) return await this.wait(backoffDelay(this.retriesDone + 1, this.retry));
		throw apiError(this.ctx.getNode(), {
			networkCode: networkCode ?? 'ENETWORK',
			// Without a network code we do not know what failed: keep its own words, minus any secret.
			providerText: networkCode ? undefined : causeMessage(error),
			secrets: this.connection.secrets,
			itemIndex: request.itemIndex,
			read: request.kind === 'read',
			detail: this.gaveUp(),
		});
	}

	/** The answer is a failure (an HTTP error, or a JSend error inside a 2xx): waits for a retry, or throws it. */
	async afterFailedAnswer({ statusCode, headers, body }: FullResponse): Promise<void> {
		const ok = statusCode >= 200 && statusCode < 300;
		// A JSend error inside a 2xx stands for the status of its code (1 → 401, 100 → 403, 8 → 500 …).
		const status = ok ? jsendStatus(body) : statusCode;
		const failure = {
			status,
			receivedStatus: ok ? statusCode : undefined,
			body,
			secrets: this.connection.secrets,
			itemIndex: this.request.itemIndex,
			read: this.request.kind === 'read',
		};
		const asked = serverRequestedWait(headers, body);
		const tooLong = asked !== undefined && asked > this.retry.maxDelay;
		const refusedWait = `The server asked to wait ${formatWait(asked ?? 0)}, more than the Max Delay of ${formatWait(this.retry.maxDelay)}, so the node did not retry`;
		if (status === 429) {
			const delay = asked ?? backoffDelay(this.retriesDone + 1, this.retry);
			// Fixed once, so every item held behind this answer reports the very same text.
			const detail = `${refusedWait}. Send again after ${new Date(Date.now() + delay).toISOString()}, or raise Max Delay to at least ${Math.ceil(delay)} ms to let the node wait`;
			const refused = new RefusedWait(this.request.itemIndex, (itemIndex, note) =>
				apiError(this.ctx.getNode(), {
					...failure,
					itemIndex,
					note,
					detail,
					failure: { cause: 'rate-limited', retryAfterMs: delay },
				}),
			);
			this.request.pacer?.onRateLimited(delay, refused);
			if (tooLong) throw refused.errorFor();
			if (this.retry.retryOnRateLimit && this.canRetry) return await this.wait(delay);
			const why = !this.retry.retryOnRateLimit ? 'Retry on rate limit is off' : (this.gaveUp() ?? `Gave up after ${attempts(1)}`);
			throw apiError(this.ctx.getNode(), {
				...failure,
				detail: `${why}${asked !== undefined ? ` (the server asked for ${formatWait(asked)})` : ''}`,
				failure: { cause: 'rate-limited', ...(asked !== undefined ? { retryAfterMs: asked } : {}) },
			});
		}
		const ambiguous = status === 408 || status >= 500;
		if (ambiguous && this.mayRetryAmbiguous && this.canRetry) {
			if (tooLong) throw apiError(this.ctx.getNode(), { ...failure, detail: refusedWait });
			return await this.wait(asked ?? backoffDelay(this.retriesDone + 1, this.retry));
		}
		throw apiError(this.ctx.getNode(), { ...failure, detail: this.gaveUp() });
	}
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
	// The credential refuses such URLs too, but its refusal would reach us disguised as a network error.
	const urlProblem = baseUrlProblem(request.url);
	if (urlProblem) {
		throw new NodeOperationError(ctx.getNode(), `Agile Telecom API credential: ${urlProblem}`, {
			description: 'Edit the credential: Platform and Base URL.',
			itemIndex: request.itemIndex,
		});
	}
	const state = new RetryState(ctx, connection, request);
	for (;;) {
		if (request.pacer) await request.pacer.beforeAttempt();
		const response = await (
			ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
				method: request.method,
				url: request.url,
				body: request.body,
				qs: request.qs,
				json: true,
				headers: { Accept: 'application/json' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: request.timeout ?? (request.kind === 'send' ? 60000 : 30000),
			}) as Promise<FullResponse>
		).then(
			(answer) => answer,
			(error: unknown) => ({ networkError: error }),
		);
		if ('networkError' in response) {
			await state.afterNetworkError(response.networkError);
			continue;
		}
		const { statusCode, headers, body } = response;
		const ok = statusCode >= 200 && statusCode < 300;
		if ((ok && !isJsendError(body)) || request.passThrough?.includes(statusCode)) {
			return { statusCode, headers, body: body as T, attempts: state.attempts };
		}
		await state.afterFailedAnswer(response);
	}
}
