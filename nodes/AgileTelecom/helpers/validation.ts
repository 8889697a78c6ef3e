import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** A NodeOperationError that names the item (1-based, as the n8n UI shows it) and the field. */
export function invalidField(node: INode, itemIndex: number, field: string, problem: string): NodeOperationError {
	return new NodeOperationError(node, `Item ${itemIndex + 1}: ${field}: ${problem}`, {
		itemIndex,
		description: `Fix the "${field}" field of item ${itemIndex + 1}; nothing was sent for this item.`,
	});
}

const SEPARATORS = /[\s,;]*[,;\n\r]+[\s,;]*/;

/** Splits what n8n users have (an array, a number, or text separated by commas, semicolons or new lines). */
export function splitList(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flatMap((v) => splitList(v));
	return String(value)
		.split(SEPARATORS)
		.map((s) => s.trim())
		.filter((s) => s.length > 0);
}

// E.164 allows at most 15 digits; the shortest international mobile numbers have 7 or 8.
const INTERNATIONAL = /^\+[1-9]\d{6,14}$/;

/**
 * Normalises a phone number to `+<country code><number>`, or returns a reason it is not one.
 * Only explicitly international numbers (`+` or `00`) are accepted: a bare `3351234567` could be a
 * national number, and guessing its country would send an SMS to a stranger.
 */
export function normalizePhoneNumber(raw: string): { number?: string; problem?: string } {
	let value = raw.trim().replace(/[\s\-.()/]/g, '');
	if (value.startsWith('00')) value = `+${value.slice(2)}`;
	if (INTERNATIONAL.test(value)) return { number: value };
	if (/^\d+$/.test(value)) {
		return {
			problem: `"${raw}" has no international prefix. Write it as +<country code><number>, for example +393351234567 (00 instead of + also works)`,
		};
	}
	return {
		problem: `"${raw}" is not a phone number in international format (+ followed by 7 to 15 digits, for example +393351234567)`,
	};
}

/** Sender rules of agile-api.md §11: up to 11 letters/digits without spaces, or up to 16 digits. */
export function senderProblem(sender: string): string | undefined {
	if (!sender) return 'is required';
	const numeric = sender.replace(/^\+/, '');
	if (/^\d+$/.test(numeric)) {
		return numeric.length <= 16 ? undefined : `"${sender}" has ${numeric.length} digits; a numeric sender has at most 16`;
	}
	if (!/^[A-Za-z0-9]+$/.test(sender)) {
		return `"${sender}" may contain only letters and digits, without spaces or symbols (alphanumeric senders), or only digits`;
	}
	if (sender.length > 11) {
		return `"${sender}" has ${sender.length} characters; an alphanumeric sender has at most 11`;
	}
	return undefined;
}

/** A value that passed a check, or why it did not (the caller names the item and the field). */
export type Checked<T> = { value: T; problem?: undefined } | { problem: string; value?: undefined };

/**
 * One or many phone numbers, normalised, each once: a number repeated within one item would receive the SMS twice
 * (and be billed twice), so repeats are dropped and reported. `kept` are the positions (in the list as given) of the
 * numbers kept, so a list of IDs given alongside can drop the same positions.
 */
export function checkDestinations(value: unknown): Checked<{ numbers: string[]; repeated: string[]; given: number; kept: number[] }> {
	const raw = splitList(value);
	if (raw.length === 0) return { problem: 'at least one phone number is required' };
	const numbers: string[] = [];
	const repeated: string[] = [];
	const kept: number[] = [];
	const seen = new Set<string>();
	for (let k = 0; k < raw.length; k++) {
		const { number, problem } = normalizePhoneNumber(raw[k]);
		if (!number) return { problem: problem ?? `"${raw[k]}" is not a phone number` };
		if (seen.has(number)) {
			repeated.push(number);
			continue;
		}
		seen.add(number);
		numbers.push(number);
		kept.push(k);
	}
	return { value: { numbers, repeated, given: raw.length, kept } };
}

export function checkSender(value: unknown): Checked<string> {
	const sender = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	const problem = senderProblem(sender);
	return problem ? { problem } : { value: sender };
}

export function checkBody(value: unknown): Checked<string> {
	if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
	if (typeof value !== 'string') return { problem: value === undefined || value === null ? 'is required' : 'must be text' };
	if (value.trim() === '') return { problem: 'is empty' };
	return { value };
}
