/**
 * What a national significant number (the number after the country code, without trunk prefix) may look like in
 * a few numbering plans: enough to tell a national number that happens to begin with the country's own code
 * (an Italian mobile `393 …`) from an international number whose `+` a spreadsheet dropped (`39 335 …`).
 *
 * The patterns and lengths are libphonenumber's `generalDesc` for each region (copied from the metadata shipped in
 * libphonenumber-js 1.13.16, MIT; Google's original is Apache-2.0), so the decision is the one libphonenumber
 * makes. The package has no runtime dependencies, hence the copy; a country missing here falls back to E.164's
 * 15-digit limit only.
 */
export interface NumberPlan {
	/** The whole national significant number must match. */
	pattern: RegExp;
	/** The longest national significant number. */
	maxLength: number;
}

function plan(pattern: string, maxLength: number): NumberPlan {
	return { pattern: new RegExp(`^(?:${pattern})$`), maxLength };
}

export const NUMBER_PLANS: Readonly<Record<string, NumberPlan>> = {
	// Italy (and the Vatican, which shares +39).
	'39': plan('0\\d{5,11}|1\\d{8,10}|3(?:[0-8]\\d{7,10}|9\\d{7,8})|(?:43|55|70)\\d{8}|8\\d{5}(?:\\d{2,4})?', 12),
	// San Marino.
	'378': plan('(?:0549|[5-7]\\d)\\d{6}', 10),
	// United Kingdom.
	'44': plan('[1-357-9]\\d{9}|[18]\\d{8}|8\\d{6}', 10),
	// Germany: area codes 049xx exist, so some national numbers do begin with 49.
	'49': plan(
		'[2579]\\d{5,14}|49(?:[34]0|69|8\\d)\\d\\d?|49(?:37|49|60|7[089]|9\\d)\\d{1,3}|49(?:2[024-9]|3[2-689]|7[1-7])\\d{1,8}|(?:1|[368]\\d|4[0-8])\\d{3,13}|49(?:[015]\\d|2[13]|31|[46][1-8])\\d{1,9}',
		15,
	),
	// France.
	'33': plan('[1-9]\\d{8}', 9),
	// Spain.
	'34': plan('400\\d{6}|(?:51|[6-9]\\d)\\d{7}', 9),
	// Switzerland.
	'41': plan('8\\d{11}|[2-9]\\d{8}', 12),
	// United States and the rest of the North American Numbering Plan.
	'1': plan('[2-9]\\d{9}|3\\d{6}', 10),
	// Austria.
	'43': plan(
		'1\\d{3,12}|2\\d{6,12}|43(?:(?:0\\d|5[02-9])\\d{3,9}|2\\d{4,5}|[3467]\\d{4}|8\\d{4,6}|9\\d{4,7})|5\\d{4,12}|8\\d{7,12}|9\\d{8,12}|(?:[367]\\d|4[0-24-9])\\d{4,11}',
		13,
	),
	// Netherlands.
	'31': plan('(?:[124-7]\\d\\d|3(?:[02-9]\\d|1[0-8]))\\d{6}|8\\d{6,9}|9\\d{6,10}|1\\d{4,5}', 11),
	// Belgium.
	'32': plan('4\\d{8}|[1-9]\\d{7}', 9),
	// Portugal.
	'351': plan('1693\\d{5}|(?:[26-9]\\d|30)\\d{7}', 9),
};

/** E.164: at most 15 digits, the country code included. */
export const E164_MAX_DIGITS = 15;
