import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { HYGIENE_DEFAULTS } from '../../descriptions/send';
import type { SegmentOptions } from '../../helpers/encoding';
import { smartEncode, smartEncodingReport, type SmartEncodingReport } from '../../helpers/smartEncoding';
import { parseCountryCode } from '../../helpers/validation';
import { clampInteger } from '../../helpers/values';

/** "Cost and List Hygiene" of a send, read once per execution. */
export interface Hygiene {
	defaultCountryCode?: string;
	/** 0: no limit. */
	maxParts: number;
	skipRepeated: boolean;
	smartEncoding: boolean;
}

export function readHygiene(ctx: IExecuteFunctions): Hygiene {
	const node = ctx.getNode();
	const defaults = node.typeVersion >= 1.1 ? { ...HYGIENE_DEFAULTS } : {};
	const raw = ctx.getNodeParameter('hygiene', 0, defaults) as IDataObject;
	const country = parseCountryCode(raw.defaultCountryCode);
	if (country.problem) {
		throw new NodeOperationError(node, `Default Country Code: ${country.problem}`, {
			description: 'Fix it under Cost and List Hygiene; nothing was sent.',
		});
	}
	return {
		defaultCountryCode: country.countryCode,
		maxParts: clampInteger(raw.maxParts, 0, 0),
		skipRepeated: raw.skipRepeatedDestinations === true,
		smartEncoding: raw.smartEncoding === true,
	};
}

/**
 * The text to send after Smart Encoding, and what to report of it: nothing for a text that is GSM-7 already (the
 * common case, so a list of plain texts gets no extra output), the replacements and parts otherwise, and why a
 * Unicode text was left as it is.
 */
export function applySmartEncoding(
	text: string,
	hygiene: Hygiene,
	segment: SegmentOptions,
): { text: string; report?: SmartEncodingReport } {
	if (!hygiene.smartEncoding) return { text };
	const result = smartEncode(text, segment);
	if (result.skipped === 'alreadyGsm7') return { text };
	return { text: result.text, report: smartEncodingReport(result) };
}

/** Why a text is refused by Max Parts, or undefined. */
export function partsProblem(parts: number, encoding: string, hygiene: Hygiene): string | undefined {
	if (hygiene.maxParts === 0 || parts <= hygiene.maxParts) return undefined;
	return `needs ${parts} SMS parts (${encoding}), more than Max Parts (${hygiene.maxParts}); every part is billed. Shorten the text, or raise Max Parts under Cost and List Hygiene`;
}

/**
 * Skip Repeated Destinations: remembers, for one run, which number already gets which text and from which item,
 * so a list with the same person twice does not pay (and annoy) twice.
 */
export class RepeatFilter {
	private readonly seen = new Map<string, number>();

	constructor(private readonly enabled: boolean) {}

	/** The item that already sends this text to this number, if any. */
	earlier(number: string, text: string): number | undefined {
		return this.enabled ? this.seen.get(`${number}\u0000${text}`) : undefined;
	}

	add(numbers: string[], text: string, itemIndex: number): void {
		if (!this.enabled) return;
		for (const number of numbers) {
			const key = `${number}\u0000${text}`;
			if (!this.seen.has(key)) this.seen.set(key, itemIndex);
		}
	}
}

/** The output of an item whose every destination already got its text from an earlier item. */
export function skippedJson(destinations: Array<{ destination: string; sameAsItem: number }>): IDataObject {
	return {
		skipped: true,
		reason: 'Skip Repeated Destinations: an earlier item of this run already sends this text to the same number, so nothing was sent',
		skippedDestinations: destinations,
	};
}

/** Item numbers (1-based) for an output, from item indexes. */
export function repeatsOf(numbers: string[], text: string, filter: RepeatFilter): Array<{ destination: string; sameAsItem: number }> {
	const repeats: Array<{ destination: string; sameAsItem: number }> = [];
	for (const destination of numbers) {
		const earlier = filter.earlier(destination, text);
		if (earlier !== undefined) repeats.push({ destination, sameAsItem: earlier + 1 });
	}
	return repeats;
}
