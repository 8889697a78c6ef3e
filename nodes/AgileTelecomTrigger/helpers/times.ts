import { zoneOffsetMinutes } from '../../AgileTelecom/helpers/dates';

/** Whether `Intl` knows the IANA zone (or "UTC"); the only source of the RangeError that used to refuse SMS. */
export function isValidTimeZone(timeZone: string): boolean {
	if (timeZone.trim() === '') return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch (error) {
		void error;
		return false;
	}
}

function nonEmptyText(value: unknown): string | null {
	const v = Array.isArray(value) ? (value as unknown[])[0] : value;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** ISO 8601 in UTC when the text is a date with an explicit zone, else the text as received. */
export function toIsoTimestamp(value: unknown): string | null {
	const raw = nonEmptyText(value);
	if (raw === null) return null;
	// Wholesale writes offsets without a colon (`+0200`); Date.parse only accepts them with one.
	const candidate = raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	if (!/(Z|[+-]\d{2}:\d{2})$/i.test(candidate)) return raw;
	const ms = Date.parse(candidate);
	return Number.isNaN(ms) ? raw : new Date(ms).toISOString();
}

/**
 * §14 `date_time` is `YYYYMMDDHHMMSS` without a zone. It is read as wall-clock time in `timeZone`
 * (default Europe/Rome, where Agile Telecom operates) and returned in UTC; null when the text or the zone is
 * unreadable. It never throws: an inbound SMS is worth more than its time stamp (`raw.date_time` keeps the text).
 */
export function inboundDateToIso(value: unknown, timeZone: string): string | null {
	const raw = nonEmptyText(value);
	const m = raw === null ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw);
	if (!m || !isValidTimeZone(timeZone)) return null;
	const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
	const wallClockAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
	const check = new Date(wallClockAsUtc);
	if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
	// Two passes settle the offset around daylight-saving changes.
	let offset = zoneOffsetMinutes(wallClockAsUtc, timeZone);
	offset = zoneOffsetMinutes(wallClockAsUtc - offset * 60000, timeZone);
	return new Date(wallClockAsUtc - offset * 60000).toISOString();
}
