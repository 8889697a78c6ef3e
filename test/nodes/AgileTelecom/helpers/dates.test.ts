import { checkSchedule, epochMilliseconds, PAST_SCHEDULE_TOLERANCE_MS, toAgileDate, zoneOffsetMinutes } from '../../../../nodes/AgileTelecom/helpers/dates';

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

describe('epochMilliseconds', () => {
	test.each([
		// 1779260400 s is 2026-05-20 07:00:00Z: read as milliseconds it would be 21 January 1970.
		[1779260400, 1779260400000],
		['1779260400', 1779260400000],
		[1779260400123, 1779260400123],
		[' 1779260400123 ', 1779260400123],
		// The boundary: 10^11 − 1 is seconds (year 5138), 10^11 milliseconds (March 1973).
		[99999999999, 99999999999000],
		[100000000000, 100000000000],
		[0, 0],
	])('%j → %d', (value, ms) => {
		expect(epochMilliseconds(value)).toBe(ms);
	});

	test.each(['20260520', '2026-05-20', '1779260400.5', '', Number.NaN, Number.POSITIVE_INFINITY, null, {}])('%j is no timestamp', (value) => {
		expect(epochMilliseconds(value)).toBeUndefined();
	});
});

describe('checkSchedule', () => {
	const now = Date.UTC(2026, 4, 19, 12, 0, 0);

	test.each([
		['empty', '', { value: undefined }],
		['epoch seconds', 1779260400, { value: '2026-05-20 09:00:00.000+0200' }],
		['epoch seconds as text (a CSV cell)', '1779260400', { value: '2026-05-20 09:00:00.000+0200' }],
		['epoch milliseconds', 1779260400000, { value: '2026-05-20 09:00:00.000+0200' }],
		['ISO without offset, workflow zone', '2026-05-20T09:00', { value: '2026-05-20 09:00:00.000+0200' }],
		['a minute ago: within the clock tolerance', now - PAST_SCHEDULE_TOLERANCE_MS, { value: '2026-05-19 13:59:00.000+0200' }],
	])('%s', (_name, value, expected) => {
		expect(checkSchedule(value, 'Europe/Rome', 'fail', now)).toEqual(expected);
	});

	test.each([
		['2001-01-01T10:00', '2001-01-01 10:00:00.000+0100'],
		// 1779260400 read as milliseconds was the old reading: 1970. As seconds it is the future; this one is past.
		[978339600, '2001-01-01 10:00:00.000+0100'],
		[now - PAST_SCHEDULE_TOLERANCE_MS - 1, '2026-05-19 13:58:59.999+0200'],
	])('%j is in the past: the item fails, naming the resolved time', (value, resolved) => {
		expect(checkSchedule(value, 'Europe/Rome', 'fail', now)).toEqual({
			problem: `${resolved} (from "${String(value)}") is in the past, so nothing was sent. Give a future time, or set Past Schedule to Send Now to send such items at once`,
		});
		expect(checkSchedule(value, 'Europe/Rome', undefined, now).problem).toContain('is in the past');
	});

	test('with Past Schedule Send Now a past time is left out of the request and reported', () => {
		expect(checkSchedule('2001-01-01T10:00', 'Europe/Rome', 'sendNow', now)).toEqual({
			value: undefined,
			pastSentNow: '2001-01-01 10:00:00.000+0100',
		});
		expect(checkSchedule('2026-05-20T09:00', 'Europe/Rome', 'sendNow', now)).toEqual({ value: '2026-05-20 09:00:00.000+0200' });
	});

	test('what is no date is refused as before, mentioning timestamps', () => {
		expect(checkSchedule('tomorrow', 'UTC', 'fail', now).problem).toBe(
			`"tomorrow" is not a date and time. Use an ISO date such as 2026-05-20T08:30:00+02:00, epoch seconds or milliseconds, or an n8n date such as {{ $now.plus(1, 'hour') }}`,
		);
	});
});
