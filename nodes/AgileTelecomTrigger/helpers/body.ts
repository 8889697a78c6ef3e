import type { IDataObject } from 'n8n-workflow';

/** A body that cannot be decoded at all (truncated JSON, bytes that are not text): the only callbacks refused. */
export class UndecodableBodyError extends Error {}

/** What a request carried, once decoded. */
export type DecodedBody = { kind: 'empty' } | { kind: 'value'; value: unknown };

const EMPTY: DecodedBody = { kind: 'empty' };

function isEmptyObject(value: unknown): boolean {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * n8n parses JSON, form, XML and text bodies only by their content type, so a callback sent with another (or no)
 * content type arrives as raw bytes. Those are decoded here the way a person would read them: JSON when it looks
 * like JSON, form fields when it looks like a form, else the text itself, which still reaches the workflow as an
 * unrecognised callback.
 */
export function decodeBody(parsed: unknown, rawBody: Buffer | undefined): DecodedBody {
	if (typeof parsed === 'string') return decodeText(parsed);
	if (parsed !== undefined && parsed !== null && !isEmptyObject(parsed)) return { kind: 'value', value: parsed };
	if (!rawBody || rawBody.length === 0) return EMPTY;
	return decodeText(utf8(rawBody));
}

function utf8(bytes: Buffer): string {
	const text = attempt(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	if (text.error !== undefined) throw new UndecodableBodyError('the body is not UTF-8 text');
	return text.value as string;
}

/** Runs `fn`, handing back its value or what it threw (so that the caller decides outside a catch block). */
function attempt<T>(fn: () => T): { value?: T; error?: Error } {
	try {
		return { value: fn() };
	} catch (error) {
		return { error: error instanceof Error ? error : new Error(String(error)) };
	}
}

function decodeText(text: string): DecodedBody {
	const trimmed = text.trim();
	if (trimmed === '') return EMPTY;
	if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
		const json = attempt(() => JSON.parse(trimmed) as unknown);
		if (json.error !== undefined) throw new UndecodableBodyError(`the body is not valid JSON (${json.error.message})`);
		return { kind: 'value', value: json.value };
	}
	// A form body has no raw white space: its encoding turns spaces into "+".
	if (trimmed.includes('=') && !/\s/.test(trimmed)) {
		const form: IDataObject = {};
		// A repeated key keeps its first value, as the event parser does with the arrays n8n makes of them.
		for (const [key, value] of new URLSearchParams(trimmed)) if (!(key in form)) form[key] = value;
		return { kind: 'value', value: form };
	}
	return { kind: 'value', value: trimmed };
}
