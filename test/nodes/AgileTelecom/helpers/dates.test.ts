import { toAgileDate, zoneOffsetMinutes } from '../../../../nodes/AgileTelecom/helpers/dates';

describe('toAgileDate', () => {
	test.each([
		['ISO with offset keeps the offset', '2025-12-08T06:00:00.002+02:00', 'UTC', '2025-12-08 06:00:00.002+0200'],
		['already in Agile format', '2025-12-08 06:00:00.002+0200', 'UTC', '2025-12-08 06:00:00.002+0200'],
		['Z', '2026-05-20T08:30:00Z', 'Europe/Rome', '2026-05-20 08:30:00.000+0000'],
		['negative offset without colon', '2026-01-20T08:30:00-0500', 'UTC', '2026-01-20 08:30:00.000-0500'],
		['hour-only offset', '2026-01-20T08:30:00+05', 'UTC', '2026-01-20 08:30:00.000+0500'],
		['half-hour offset', '2026-01-20T08:30:00+05:30', 'UTC', '2026-01-20 08:30:00.000+0530'],
		['no offset: workflow zone, summer time', '2026-05-20T08:30:00', 'Europe/Rome', '2026-05-20 08:30:00.000+0200'],
		['no offset: workflow zone, winter time', '2026-01-20T08:30', 'Europe/Rome', '2026-01-20 08:30:00.000+0100'],
		['no offset: zone west of UTC', '2026-01-20 08:30:00', 'America/New_York', '2026-01-20 08:30:00.000-0500'],
		['date only: midnight in the workflow zone', '2026-01-20', 'UTC', '2026-01-20 00:00:00.000+0000'],
		['microseconds are cut to milliseconds', '2026-01-20T08:30:00.123456Z', 'UTC', '2026-01-20 08:30:00.123+0000'],
		['comma as decimal separator', '2026-01-20T08:30:00,5Z', 'UTC', '2026-01-20 08:30:00.500+0000'],
		['leap day', '2024-02-29T12:00:00Z', 'UTC', '2024-02-29 12:00:00.000+0000'],
		['a two-digit-year century is not moved to the 1900s', '0050-01-01T00:00:00Z', 'UTC', '0050-01-01 00:00:00.000+0000'],
	])('%s', (_name, value, zone, expected) => {
		expect(toAgileDate(value, zone)).toBe(expected);
	});

	test('a JS Date and epoch milliseconds are shown in the workflow zone', () => {
		const instant = Date.UTC(2026, 0, 20, 7, 30, 0, 5);
		expect(toAgileDate(new Date(instant), 'Europe/Rome')).toBe('2026-01-20 08:30:00.005+0100');
		expect(toAgileDate(instant, 'America/New_York')).toBe('2026-01-20 02:30:00.005-0500');
	});

	test('a Luxon DateTime (what $now gives) is read through toISO and keeps its offset', () => {
		const dateTime = { toISO: () => '2026-01-20T08:30:00.000-05:00' };
		expect(toAgileDate(dateTime, 'Europe/Rome')).toBe('2026-01-20 08:30:00.000-0500');
	});

	test.each([
		['', 'empty'],
		['tomorrow', 'words'],
		['2026-02-30T10:00:00Z', 'a day February does not have'],
		['2026-02-29T10:00:00Z', 'not a leap year'],
		['2026-13-01T10:00:00Z', 'month 13'],
		['2026-01-01T24:00:00Z', 'hour 24'],
		['2026-01-01T10:60:00Z', 'minute 60'],
		['2026-01-01T10:00:60Z', 'second 60'],
		['2026-01-01T10:00:00+2500', 'offset beyond ±14:00'],
		['2026-01-01T10:00:00+0260', 'offset minutes over 59'],
		['20260101', 'no separators'],
	])('%j (%s) → undefined', (value) => {
		expect(toAgileDate(value, 'UTC')).toBeUndefined();
	});

	test('values that are not dates → undefined', () => {
		expect(toAgileDate(new Date(Number.NaN), 'UTC')).toBeUndefined();
		expect(toAgileDate(Number.NaN, 'UTC')).toBeUndefined();
		expect(toAgileDate({}, 'UTC')).toBeUndefined();
		expect(toAgileDate(null, 'UTC')).toBeUndefined();
	});
});

describe('zoneOffsetMinutes', () => {
	test.each([
		['UTC', Date.UTC(2026, 0, 1), 0],
		['Europe/Rome', Date.UTC(2026, 0, 1), 60],
		['Europe/Rome', Date.UTC(2026, 6, 1), 120],
		['America/New_York', Date.UTC(2026, 0, 1), -300],
		['Asia/Kolkata', Date.UTC(2026, 0, 1), 330],
		// Rome switches to summer time on 29 March 2026 at 01:00 UTC.
		['Europe/Rome', Date.UTC(2026, 2, 29, 0, 59), 60],
		['Europe/Rome', Date.UTC(2026, 2, 29, 1, 0), 120],
	])('%s at %i → %i', (zone, instant, minutes) => {
		expect(zoneOffsetMinutes(instant, zone)).toBe(minutes);
	});
});
