// Qlara replaces `{name}` in the body with `placeholders.name` (agile-api.md §4.1); names are word characters.
const MARKER = /\{(\w+)\}/g;

/** The distinct placeholder names a text uses, in order of first use. */
export function placeholderNames(text: string): string[] {
	const names: string[] = [];
	for (const match of text.matchAll(MARKER)) {
		if (!names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

/**
 * The text as the platform will send it, for counting parts locally. A marker without a value stays as
 * written (the platform cannot fill it either) and is listed in `missing`.
 */
export function fillPlaceholders(text: string, values: Record<string, string>): { text: string; missing: string[] } {
	const missing = placeholderNames(text).filter((name) => !Object.prototype.hasOwnProperty.call(values, name));
	const filled = text.replace(MARKER, (marker, name: string) =>
		Object.prototype.hasOwnProperty.call(values, name) ? values[name] : marker,
	);
	return { text: filled, missing };
}

// Merge fields name a field of the item, or a dotted path into it: {name}, {order.id}.
const MERGE_FIELD = /\{(\w+(?:\.\w+)*)\}/g;

/**
 * Fills `{field}` markers from the item's own fields (a body template such as "Hi {name}, your order {orderId}
 * has shipped."), in the node itself rather than through n8n's expression engine. Returns the first marker that
 * has no text value in the item instead of sending a half-filled SMS.
 */
export function fillMergeFields(
	template: string,
	read: (field: string) => unknown,
): { text: string; missing?: undefined } | { missing: string; text?: undefined } {
	let missing: string | undefined;
	const text = template.replace(MERGE_FIELD, (marker, field: string) => {
		const value = read(field);
		if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
		missing ??= field;
		return marker;
	});
	return missing === undefined ? { text } : { missing };
}
