// yyyy-MM-dd[T ]HH:mm[:ss[.fraction]][Z | ±HH[:]mm | ±HH]
const ISO_LIKE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function pad(value: number, width = 2): string {
	return String(value).padStart(width, '0');
}

/** Offset of an IANA time zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(epochMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(epochMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
}

/** Minutes east of UTC, or undefined for an offset no time zone has (beyond ±14:00, or minutes over 59). */
function parseOffset(text: string): number | undefined {
	if (/^z$/i.test(text)) return 0;
	const sign = text.startsWith('-') ? -1 : 1;
	const digits = text.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = Number(digits.slice(2, 4) || 0);
	if (hours > 14 || minutes > 59 || hours * 60 + minutes > 14 * 60) return undefined;
	return sign * (hours * 60 + minutes);
}

function format(epochMs: number, offsetMinutes: number): string {
	const local = new Date(epochMs + offsetMinutes * 60000);
	const sign = offsetMinutes < 0 ? '-' : '+';
	const abs = Math.abs(offsetMinutes);
	return (
		`${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
		`${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}` +
		`${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
	);
}

interface DateTimeLike {
	toISO(): string | null;
}

function isDateTimeLike(value: unknown): value is DateTimeLike {
	return !!value && typeof value === 'object' && typeof (value as DateTimeLike).toISO === 'function';
}

/**
 * Converts what n8n users have (an ISO string with or without offset, a Luxon DateTime from `$now`,
 * a JS Date, epoch milliseconds, or an already formatted Agile date) to Agile's
 * `yyyy-MM-dd HH:mm:ss.SSSZ`. A given offset is kept; a local time without one is read in the
 * workflow's time zone, as every other n8n date field does. Returns undefined when it cannot parse.
 */
export function toAgileDate(value: unknown, timeZone: string): string | undefined {
	if (value instanceof Date) {
		const ms = value.getTime();
		return Number.isNaN(ms) ? undefined : format(ms, zoneOffsetMinutes(ms, timeZone));
	}
	if (typeof value === 'number' && Number.isFinite(value)) {
		return format(value, zoneOffsetMinutes(value, timeZone));
	}
	if (isDateTimeLike(value)) return toAgileDate(value.toISO() ?? '', timeZone);
	if (typeof value !== 'string') return undefined;
	const match = ISO_LIKE.exec(value.trim());
	if (!match) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', offsetText] = match;
	const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
	const check = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
	// Date.UTC reads years 0-99 as 1900-1999; setting the year afterwards keeps "0050" as year 50.
	check.setUTCFullYear(Number(y));
	const wallClockAsUtc = check.getTime();
	if (
		check.getUTCFullYear() !== Number(y) ||
		check.getUTCMonth() !== Number(mo) - 1 ||
		check.getUTCDate() !== Number(d) ||
		Number(h) > 23 ||
		Number(mi) > 59 ||
		Number(s) > 59
	) {
		return undefined;
	}
	if (offsetText) {
		const offset = parseOffset(offsetText);
		if (offset === undefined) return undefined;
		return format(wallClockAsUtc - offset * 60000, offset);
	}
	// Two passes settle the offset around daylight-saving changes.
	let offset = zoneOffsetMinutes(wallClockAsUtc, timeZone);
	offset = zoneOffsetMinutes(wallClockAsUtc - offset * 60000, timeZone);
	return format(wallClockAsUtc - offset * 60000, offset);
}

/** What to do with a schedule in the past: the parameter "Past Schedule" of both sends. */
export type PastSchedule = 'fail' | 'sendNow';

/**
 * How far in the past a schedule may be and still be sent with it, as it is: the clocks of n8n and Agile Telecom
 * differ a little, and `$now` read at the start of a long run is slightly past by the time its item is sent.
 */
export const PAST_SCHEDULE_TOLERANCE_MS = 60_000;

// Below 10^11 a number is epoch seconds: as milliseconds it would fall before March 1973, as seconds after year 5138.
const EPOCH_SECONDS_BELOW = 1e11;
// Digits only, 9 to 13 of them: epoch seconds from 1973, milliseconds to 2286; 8 digits would rather be yyyyMMdd.
const EPOCH_DIGITS = /^\d{9,13}$/;

/**
 * A timestamp as spreadsheets and APIs give it: epoch seconds or milliseconds by magnitude, as a number or as text
 * of digits only (a CSV cell). Undefined for anything else, which `toAgileDate` reads.
 */
export function epochMilliseconds(value: unknown): number | undefined {
	const number = typeof value === 'string' && EPOCH_DIGITS.test(value.trim()) ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
	return Math.abs(number) < EPOCH_SECONDS_BELOW ? number * 1000 : number;
}

/** The instant an Agile date (`yyyy-MM-dd HH:mm:ss.SSSZ`, as `format` writes it) stands for. */
function agileDateMs(date: string): number {
	return Date.parse(date.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** A schedule as sent: `value` in Agile's format, or undefined to send now. */
export interface Schedule {
	value: string | undefined;
	/** The past schedule that was given, resolved, when Past Schedule is Send Now: the item is sent at once. */
	pastSentNow?: string;
	problem?: undefined;
}

/**
 * An optional scheduling value for the API: undefined when empty, else Agile's format, else why not. A time more
 * than the tolerance in the past fails the item, unless `past` is `sendNow`: Agile Telecom does not document what
 * it does with a past date, and sending at once a campaign meant for later cannot be undone.
 */
export function checkSchedule(
	value: unknown,
	timeZone: string,
	past: unknown = 'fail',
	now: number = Date.now(),
): Schedule | { problem: string; value?: undefined; pastSentNow?: undefined } {
	if (value === undefined || value === null || value === '') return { value: undefined };
	const date = toAgileDate(epochMilliseconds(value) ?? value, timeZone);
	if (!date) {
		return {
			problem: `"${String(value)}" is not a date and time. Use an ISO date such as 2026-05-20T08:30:00+02:00, epoch seconds or milliseconds, or an n8n date such as {{ $now.plus(1, 'hour') }}`,
		};
	}
	if (agileDateMs(date) >= now - PAST_SCHEDULE_TOLERANCE_MS) return { value: date };
	if (past === 'sendNow') return { value: undefined, pastSentNow: date };
	return {
		problem: `${date} (from "${String(value)}") is in the past, so nothing was sent. Give a future time, or set Past Schedule to Send Now to send such items at once`,
	};
}
