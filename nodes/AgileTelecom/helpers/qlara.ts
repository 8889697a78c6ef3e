import type { IDataObject } from 'n8n-workflow';

import { DESTINATION_STATUS } from '../transport/errors';
import { isObject } from './values';

/** The Qlara single-send request body (agile-api.md §4.1); only the fields the user set (messageId is always set). */
export interface QlaraSendBody extends IDataObject {
	destination: string;
	sender: string;
	body: string;
	messageId: string;
	campaignId?: string;
	placeholders?: Record<string, string>;
	scheduledDate?: string;
	simulation?: boolean;
	enableNotification?: boolean;
	skipRcsOverride?: boolean;
	udhData?: string;
}

/** UC-001's per-channel result (`results.sms`, or `results.rcs` under an account-level RCS override). */
export interface QlaraChannelResult {
	accepted?: boolean;
	unicode?: boolean;
	parts?: number;
	reasons?: unknown[];
}

/** The quick-start's array entry. */
export interface QlaraArrayResult {
	phoneNumber?: string;
	accepted?: boolean;
	channel?: string;
	statusCode?: number;
	reasons?: unknown[];
}

/** Both documented success bodies (agile-api.md §4.2). */
export interface QlaraSendResponse {
	messageId?: string;
	customerMessageId?: string;
	simulation?: boolean;
	results?: Record<string, QlaraChannelResult> | QlaraArrayResult[];
}

/** What the answer says of the one SMS sent. */
export interface QlaraResult {
	/** true: accepted; false: refused; null: the answer does not say (never guessed). */
	accepted: boolean | null;
	channel?: string;
	unicode?: boolean;
	parts?: number;
	reasons: unknown[];
	statusCode?: number;
	/** Set when the answer cannot be read as accepted or refused. */
	warning?: string;
}

const UNCLEAR =
	'check its delivery report (or Get Status) before sending it again: sending again may deliver it twice';

function fromArray(results: QlaraArrayResult[]): QlaraResult | undefined {
	const entries = results.filter(isObject) as QlaraArrayResult[];
	const entry = entries.find((r) => String(r.channel ?? '').toLowerCase() === 'sms') ?? entries[0];
	if (!entry) return undefined;
	const statusCode = typeof entry.statusCode === 'number' ? entry.statusCode : undefined;
	const accepted =
		typeof entry.accepted === 'boolean'
			? entry.accepted
			: statusCode === undefined
				? null
				: statusCode >= 200 && statusCode < 300;
	return {
		accepted,
		reasons: Array.isArray(entry.reasons) ? entry.reasons : [],
		...(statusCode !== undefined ? { statusCode } : {}),
		...(typeof entry.channel === 'string' ? { channel: entry.channel } : {}),
	};
}

/** Results keyed by channel: the SMS one when present, else whichever channel the platform used (RCS override). */
function fromChannels(results: Record<string, unknown>): QlaraResult | undefined {
	const channel = Object.prototype.hasOwnProperty.call(results, 'sms')
		? 'sms'
		: Object.keys(results).find((key) => isObject(results[key]));
	const entry = channel !== undefined ? results[channel] : undefined;
	if (!isObject(entry)) return undefined;
	const r = entry as QlaraChannelResult;
	return {
		accepted: typeof r.accepted === 'boolean' ? r.accepted : null,
		channel,
		reasons: Array.isArray(r.reasons) ? r.reasons : [],
		...(typeof r.unicode === 'boolean' ? { unicode: r.unicode } : {}),
		...(typeof r.parts === 'number' ? { parts: r.parts } : {}),
	};
}

/**
 * Reads a Qlara single-send answer. Acceptance is said only where the server said it: a 2xx without a recognised
 * result (an HTML page, `{}`) is "unknown", with a warning, rather than an SMS reported as accepted.
 */
export function readQlaraResponse(body: unknown): QlaraResult {
	const results = isObject(body) ? (body as QlaraSendResponse).results : undefined;
	const parsed = Array.isArray(results) ? fromArray(results) : isObject(results) ? fromChannels(results) : undefined;
	if (parsed && parsed.accepted !== null) return parsed;
	const what = !isObject(body) ? 'with a body that is not JSON' : parsed ? 'without saying whether the SMS was accepted' : 'without a result for the SMS';
	return { ...(parsed ?? { accepted: null, reasons: [] }), warning: `Agile Telecom answered ${what}: ${UNCLEAR}` };
}

/** Reasons are undocumented beyond "rejection reasons": strings or objects with a code and a text. */
export function reasonText(reason: unknown): string {
	if (typeof reason === 'string') return reason;
	if (isObject(reason)) {
		const words = [reason.description, reason.message, reason.reason, reason.error].find((v) => typeof v === 'string' && v);
		const code = reason.code ?? reason.statusCode;
		if (words !== undefined) return code !== undefined ? `${String(words)} (code ${String(code)})` : String(words);
		return JSON.stringify(reason);
	}
	return String(reason);
}

/** The status of a refusal: the array shape's statusCode, else the first reason code the status table knows. */
export function refusalCode(result: QlaraResult): number | null {
	if (result.statusCode !== undefined) return result.statusCode;
	for (const reason of result.reasons) {
		const code = Number(isObject(reason) ? reason.code : undefined);
		if (Number.isInteger(code) && DESTINATION_STATUS[code]) return code;
	}
	return null;
}
