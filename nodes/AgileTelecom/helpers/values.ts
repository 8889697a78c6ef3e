import type { IDataObject } from 'n8n-workflow';

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A parameter or field value as text: strings as they are, numbers and booleans written out (an expression or a
 * sheet may give a phone number as a number), anything else undefined.
 */
export function asText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/** A whole number in [min, max] from a parameter, or the fallback when it is not a finite number. */
export function clampInteger(value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
	const n = Math.floor(Number(value));
	if (value === undefined || value === null || value === '' || !Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(min, n));
}
