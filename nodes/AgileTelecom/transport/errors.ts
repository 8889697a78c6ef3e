import {
	NodeApiError,
	type Failure,
	type IDataObject,
	type INode,
	type JsonObject,
	type NodeOperationError,
} from 'n8n-workflow';

/**
 * What to do after a failure that may or may not have sent the SMS. No documented Agile Telecom endpoint deduplicates
 * by id (agile-api.md §9): a resent id is delivered twice if the first attempt went through; the same id only lets the
 * two be matched in the delivery reports.
 */
const AMBIGUOUS_TODO =
	'The SMS may or may not have been accepted: check the delivery reports (or Get Status) before sending again. "Retry on Server Errors" resends automatically with the same message IDs; that makes a duplicate traceable, it does not prevent it.';

import { parseLenientObject } from '../helpers/lenientJson';

/** What happened and what to do, per HTTP status (agile-api.md §8.2, §8.3). */
interface StatusText {
	what: string;
	todo: string;
	failure?: Failure;
}

export const STATUS_TEXTS: Record<number, StatusText> = {
	400: {
		what: 'Agile Telecom rejected the request as malformed',
		todo: 'Check the fields named in the provider message (destination format, sender, body, scheduling). Resending the same request will fail again.',
		failure: { cause: 'configuration-invalid' },
	},
	401: {
		what: 'Agile Telecom rejected the credentials',
		todo: 'Check the API key, or the username and password, in the Agile Telecom API credential, and that its Authentication matches how they were created in the portal (Settings → API Keys).',
		failure: { cause: 'credential-invalid' },
	},
	403: {
		what: 'Agile Telecom refused this server',
		todo: "The public IP address of the machine running n8n is probably not on the account's IP whitelist: add it in the Agile Telecom portal (Settings → IP filters / API e configurazioni) or remove the whitelist. On Qlara a 403 can also mean the channel is not included in the plan.",
		failure: { cause: 'configuration-invalid' },
	},
	404: {
		what: 'Agile Telecom answered 404 (not found)',
		todo: 'The Platform in the credential probably does not match the account: legacy accounts use secure.agiletelecom.com, newer ones http-api.agiletelecom.com, wholesale accounts wholesale.agiletelecom.com and Qlara accounts lora-api.agiletelecom.com.',
		failure: { cause: 'configuration-invalid' },
	},
	408: {
		what: 'Agile Telecom timed out waiting for the request',
		todo: AMBIGUOUS_TODO,
		failure: { cause: 'temporarily-unavailable' },
	},
	402: {
		what: 'Agile Telecom refused the request: the account has insufficient credit',
		todo: 'Top up the account in the Agile Telecom portal, then send again. Nothing was sent by this request.',
		failure: { cause: 'quota-exhausted' },
	},
	413: {
		what: 'Agile Telecom refused the request as too large',
		todo: 'Lower "Messages per Request" in the batch settings.',
	},
	415: {
		what: 'Agile Telecom refused the content type',
		todo: 'This is a defect of the node (it always sends application/json): please report it.',
		failure: { cause: 'node-defect' },
	},
	429: {
		what: 'Agile Telecom is rate-limiting this account',
		todo: 'Lower "Max Requests per Second" or concurrency, send many destinations per request with Send Batch, raise "Max Retries" / "Max Delay" in the Retry settings, or ask Agile Telecom to raise the limit.',
	},
};

const SERVER_ERROR: StatusText = {
	what: 'Agile Telecom had a server error',
	todo: AMBIGUOUS_TODO,
	failure: { cause: 'temporarily-unavailable' },
};

/**
 * For a read (credit, status, number lookup) a timeout or a 5xx changed nothing: the send-oriented advice about
 * SMS that may have been accepted does not apply.
 */
const READ_NOT_COMPLETED =
	'Nothing was sent or changed: this request only reads. The node already retried it as the Retry settings allow; try again later, and contact Agile Telecom support if it persists.';

const OTHER_ERROR: StatusText = {
	what: 'Agile Telecom answered with an unexpected status',
	todo: 'Check the provider message below; if it persists, contact Agile Telecom support with the time of the request.',
};

/**
 * What happened and what to do for a status. `read`: the request only reads (credit, status, lookup), so after a
 * timeout or a 5xx nothing may have been sent, and the send-oriented advice does not apply.
 */
export function statusText(status: number, read = false): StatusText {
	const text = STATUS_TEXTS[status] ?? (status >= 500 ? SERVER_ERROR : OTHER_ERROR);
	return read && (status === 408 || status >= 500) ? { ...text, todo: READ_NOT_COMPLETED } : text;
}

/** Legacy JSend `code` values (agile-api.md §3.4), with what to do where it is not obvious. */
export const JSEND_CODES: Record<number, { meaning: string; status: number }> = {
	1: { meaning: 'wrong credentials', status: 401 },
	2: { meaning: 'insufficient credit: top up the account', status: 402 },
	4: { meaning: 'destination number(s) wrong or in an invalid format', status: 400 },
	6: { meaning: 'at least one message body is missing', status: 400 },
	7: { meaning: 'at least one body is too long or contains unsupported characters', status: 400 },
	8: { meaning: 'server error', status: 500 },
	9: { meaning: 'server error: service timeout', status: 504 },
	10: { meaning: 'at least one sender is missing', status: 400 },
	11: { meaning: 'user not found (wrong credentials)', status: 401 },
	13: { meaning: 'at least one destination is missing', status: 400 },
	14: { meaning: 'message items are missing', status: 400 },
	15: { meaning: 'the destinations and ids lists have different lengths', status: 400 },
	18: { meaning: 'wrong sender, or sender not allowed for this account', status: 400 },
	20: { meaning: 'globalId value not allowed', status: 400 },
	21: { meaning: 'maxIdLen value not allowed', status: 400 },
	22: { meaning: 'udhData value not correct', status: 400 },
	23: { meaning: 'scheduling value not correct', status: 400 },
	24: { meaning: 'body value not allowed', status: 400 },
	100: { meaning: 'source IP not allowed (IP whitelist)', status: 403 },
};

/** Network errors that prove the request never reached the server, so resending cannot duplicate an SMS. */
export const NEVER_CONNECTED_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'EHOSTDOWN',
]);

/**
 * Whether a failed request may nevertheless have been accepted: an HTTP 408 or 5xx, a connection that broke after
 * the request left, a cancel while it was in flight. Such SMS are on record as "unknown" and never sent again by
 * the node on its own; everything else (4xx, 429, a connection that never opened) provably sent nothing.
 */
export function mayHaveBeenSent(error: NodeApiError | NodeOperationError): boolean {
	if (error.context.requestInFlight === true) return true;
	if (!(error instanceof NodeApiError)) return false;
	const code = error.httpCode ?? '';
	if (/^\d+$/.test(code)) return Number(code) === 408 || Number(code) >= 500;
	return !NEVER_CONNECTED_CODES.has(code);
}

// Statuses that hold for every request of this credential: once seen, further requests would fail the same way.
const FAILS_EVERY_REQUEST = new Set(['401', '403', '404', '415']);

/** Whether every further request of this run would fail the same way (bad credentials, IP not allowed, wrong URL). */
export function failsEveryRequest(error: NodeApiError | NodeOperationError): error is NodeApiError {
	return error instanceof NodeApiError && !!error.httpCode && FAILS_EVERY_REQUEST.has(error.httpCode);
}

export interface ApiFailure {
	/** HTTP status the failure stands for, or undefined for a network error. */
	status?: number;
	/** The status actually received when it differs from `status` (a JSend error body inside a 2xx). */
	receivedStatus?: number;
	/** The provider's own words; taken from `body` when not given. */
	providerText?: string;
	/** The parsed response body, kept for the error's details. */
	body?: unknown;
	/** The credential's secrets: masked in the text and the body, whoever calls, whatever the server echoed. */
	secrets: string[];
	/** Network error code such as ECONNREFUSED. */
	networkCode?: string;
	itemIndex?: number;
	/** The request only reads: a timeout, a 5xx or a dropped connection cannot have sent anything. */
	read?: boolean;
	/** Extra sentence appended to the message, e.g. the attempts made. */
	detail?: string;
	/** Extra sentence appended to the description (what to do), e.g. why this item in particular was not sent. */
	note?: string;
	failure?: Failure;
}

function jsendCode(body: unknown): number | undefined {
	if (body && typeof body === 'object' && 'code' in body) {
		const code = Number((body as { code: unknown }).code);
		return Number.isFinite(code) ? code : undefined;
	}
	return undefined;
}

/**
 * Builds the error from a plain object on purpose: wrapping the axios error would carry its request config,
 * Authorization header included, into the error's details.
 */
export function apiError(node: INode, failureInput: ApiFailure): NodeApiError {
	const f = {
		...failureInput,
		body: redactDeep(failureInput.body, failureInput.secrets),
		providerText: redact(failureInput.providerText ?? providerTextOf(failureInput.body), failureInput.secrets),
	};
	const code = jsendCode(f.body);
	const jsend = code !== undefined ? JSEND_CODES[code] : undefined;
	let what: string;
	let todo: string;
	let failure = f.failure;
	let httpCode: string;
	if (f.status === undefined) {
		what = `Could not reach Agile Telecom (${f.networkCode ?? 'network error'})`;
		todo = NEVER_CONNECTED_CODES.has(f.networkCode ?? '')
			? 'The connection was never opened, so nothing was sent. Check the Platform / Base URL in the credential and the network or proxy of the n8n server.'
			: f.read
				? READ_NOT_COMPLETED
				: `The connection broke after the request was sent. ${AMBIGUOUS_TODO}`;
		failure ??= { cause: 'temporarily-unavailable' };
		httpCode = f.networkCode ?? 'ECONNERROR';
	} else {
		const text = statusText(f.status, f.read);
		what = `${text.what} (HTTP ${f.receivedStatus ?? f.status})`;
		todo = text.todo;
		failure ??= text.failure;
		httpCode = String(f.status);
		if (jsend) what += `, error code ${code}: ${jsend.meaning}`;
	}
	// The provider's text often ends with its own full stop ("… retry after 12 seconds."): no second one.
	const provider = f.providerText ? `: ${f.providerText}` : '';
	const message = [what, provider, f.detail ? `${/[.!?]$/.test(provider) ? '' : '.'} ${f.detail}` : '']
		.join('')
		.trim();
	const response: JsonObject = { message: f.providerText ?? what };
	if (f.status !== undefined) response.httpCode = String(f.status);
	if (f.body !== undefined && typeof f.body === 'object' && f.body !== null) {
		response.body = f.body as JsonObject;
	} else if (typeof f.body === 'string' && f.body) {
		response.body = f.body.slice(0, 2000);
	}
	const error = new NodeApiError(node, response, {
		message,
		description: f.note ? `${todo} ${f.note}` : todo,
		httpCode,
		itemIndex: f.itemIndex,
		...(failure ? { failure } : {}),
	});
	// NodeApiError swaps the message for a canned one when httpCode is a Node network code (ECONNREFUSED …) or the
	// text merely contains one; ours already says what happened and whether anything was sent.
	error.message = message;
	return error;
}

/** The HTTP status a JSend error body stands for when it arrives inside a 2xx (agile-api.md §3.3, §3.4). */
export function jsendStatus(body: unknown): number {
	const code = jsendCode(body);
	const known = code !== undefined ? JSEND_CODES[code] : undefined;
	if (known) return known.status;
	// JSend reserves "error" for server-side failures and "fail" for a rejected request.
	return (body as { status?: unknown } | undefined)?.status === 'error' ? 500 : 400;
}

/** The provider's own text from any documented error body (JSend, Qlara 429, MNP, plain text). */
export function providerTextOf(body: unknown): string | undefined {
	if (typeof body === 'string') {
		// n8n hands over a body it could not parse as text, e.g. the MNP error JSON without its comma (§8.4).
		const lenient = parseLenientObject(body);
		return (lenient && providerTextOf(lenient)) ?? (body.trim().slice(0, 500) || undefined);
	}
	if (!body || typeof body !== 'object') return undefined;
	const b = body as Record<string, unknown>;
	for (const key of ['message', 'error_description', 'error', 'detail', 'description']) {
		const value = b[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	return undefined;
}

/** `redact` applied to every string of a parsed body, keys included: error details keep the provider's body. */
export function redactDeep(value: unknown, secrets: string[]): unknown {
	if (typeof value === 'string') return redact(value, secrets);
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [redact(key, secrets) ?? key, redactDeep(entry, secrets)]),
		);
	}
	return value;
}

// The value of a query parameter that carries a secret in any URL a text quotes: a callback URL Qlara echoes holds
// the trigger's ?token=, and another integration's URL may hold its own key.
const SECRET_QUERY_VALUE = /([?&](?:[a-z_]*token|[a-z_]*key|secret|password|passwd|signature|sig)=)[^&#\s"'<>]+/gi;

/**
 * Replaces every secret of the credential (also as it appears URL-encoded) and every secret-looking query value by
 * a mask, so no text we show can leak one.
 */
export function redact(text: string | undefined, secrets: string[]): string | undefined {
	if (text === undefined) return undefined;
	let out = text;
	for (const secret of secrets) {
		if (secret.length < 4) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
	}
	return out.replace(SECRET_QUERY_VALUE, '$1***');
}

/**
 * Per-destination `results[].statusCode` inside a 200 (agile-api.md §8.2, second table). These reuse HTTP
 * numbers with other meanings (401 = sender not allowed, not bad credentials), hence their own table.
 */
export const DESTINATION_STATUS: Record<number, { meaning: string; todo: string }> = {
	200: { meaning: 'accepted', todo: 'Wait for the delivery report.' },
	400: { meaning: 'invalid destination or body', todo: 'Fix the number or the text before sending again.' },
	401: {
		meaning: 'sender not authorised for this destination or country',
		todo: 'Use another sender, or have this one registered for the country with Agile Telecom.',
	},
	402: { meaning: 'insufficient credit', todo: 'Top up the Agile Telecom account, then send the rejected destinations again.' },
	403: {
		meaning: 'destination blacklisted or opted out',
		todo: 'Remove this number from your list; never send to it again.',
	},
	429: {
		meaning: 'throttled (per-account or per-route limit)',
		todo: 'Send more slowly (fewer messages per request, lower concurrency) and send the rejected destinations again later.',
	},
	500: { meaning: 'internal error at Agile Telecom', todo: 'Send the rejected destinations again later.' },
};

export function destinationStatusMeaning(statusCode: number | null): string {
	if (statusCode === null) return 'unknown';
	return DESTINATION_STATUS[statusCode]?.meaning ?? `rejected with status ${statusCode}`;
}

/** A destination the server did not accept inside a 2xx answer. */
export interface Refusal {
	destination: string;
	statusCode: number | null;
	/** The server's own words (Qlara `reasons`), when it gave any. */
	reason?: string;
}

/** Per-destination statuses that the documentation defines as "not accepted, send again later" (§8.2). */
export function isTransientRefusal(statusCode: number | null): boolean {
	return statusCode === 429 || (statusCode !== null && statusCode >= 500 && statusCode < 600);
}

/**
 * The error of an item some of whose SMS were not accepted inside a 2xx, for both send operations. Built from plain
 * values (never a response object with headers); `details` (the item's output) lands in the error item under
 * continue-on-fail, so the accepted destinations stay on record.
 */
export function refusalError(
	node: INode,
	itemIndex: number,
	refused: Refusal[],
	acceptedCount: number,
	details: IDataObject,
): NodeApiError {
	const [first] = refused;
	const status = first.statusCode;
	const why = first.reason ?? (status === null ? 'no reason given' : `${destinationStatusMeaning(status)} (status ${status})`);
	const more = refused.length > 1 ? ` (and ${refused.length - 1} more destination${refused.length > 2 ? 's' : ''})` : '';
	const message = `Item ${itemIndex + 1}: Agile Telecom did not accept the SMS to ${first.destination}: ${why}${more}`;
	const todo =
		(status !== null ? DESTINATION_STATUS[status]?.todo : undefined) ??
		'Check the reason in the details, the sender registration and the account credit, and contact Agile Telecom support if it persists.';
	const accepted =
		acceptedCount > 0
			? ` ${acceptedCount} other destination${acceptedCount > 1 ? 's' : ''} of this item ${acceptedCount > 1 ? 'were' : 'was'} accepted (see details): do not send ${acceptedCount > 1 ? 'them' : 'it'} again.`
			: '';
	const response: JsonObject = { message };
	if (status !== null) response.httpCode = String(status);
	const error = new NodeApiError(node, response, {
		message,
		description: `${todo}${accepted}`,
		...(status !== null ? { httpCode: String(status) } : {}),
		itemIndex,
	});
	error.message = message;
	error.context.details = details;
	return error;
}
