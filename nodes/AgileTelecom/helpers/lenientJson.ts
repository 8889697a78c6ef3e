const PAIR =
	/"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/g;

/**
 * Reads a JSON object leniently. The MNP documentation prints its error bodies without the comma between the
 * two fields (`{ "error_code": 400 "error_description": "Specify a msisdn number" }`, agile-api.md §8.4), and
 * a server written from that page may answer exactly so; n8n then hands over the text unparsed.
 *
 * Valid JSON is parsed as such. Otherwise every `"key": value` pair whose value is a string, number, boolean or
 * null is collected, so a missing or doubled comma does not lose the provider's words; nested values are not
 * recovered. Returns undefined for text that is not an object at all (HTML, plain text).
 */
export function parseLenientObject(text: string): Record<string, unknown> | undefined {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
	try {
		const parsed: unknown = JSON.parse(trimmed);
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
	} catch {
		// Not valid JSON: fall through to the pair-by-pair reading.
	}
	const result: Record<string, unknown> = {};
	for (const [, key, value] of trimmed.matchAll(PAIR)) {
		try {
			result[JSON.parse(`"${key}"`) as string] = JSON.parse(value);
		} catch {
			// An invalid escape such as \q: skip this pair, keep the others.
		}
	}
	return Object.keys(result).length > 0 ? result : undefined;
}
