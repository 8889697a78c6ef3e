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
