import {
	DELIVERY_STATUS_TABLE,
	UNDOCUMENTED_STATUS,
	statusFromName,
	statusFromQlaraCode,
	statusFromWholesaleCode,
} from '../../../../nodes/AgileTelecom/helpers/deliveryStatus';

describe('the one delivery status table (trigger and Get Status)', () => {
	// [provider name, status, final, delivered, outcome]
	it.each([
		['DELIVERED', 'delivered', true, true, 'delivered'],
		['BUFFERED', 'buffered', false, false, 'other'],
		['SENT', 'sent', false, false, 'other'],
		['RECEIVED', 'received', false, false, 'other'],
		['EXPIRED', 'expired', true, false, 'expired'],
		['REJECTED', 'rejected', true, false, 'failed'],
		['UNDELIVERABLE', 'undeliverable', true, false, 'failed'],
		['FAILED', 'failed', true, false, 'failed'],
		['ERROR', 'failed', true, false, 'failed'],
		['UNKNOWN', 'unknown', true, false, 'other'],
		[' unknown ', 'unknown', true, false, 'other'],
	])('%j → %s (final %s, delivered %s, %s)', (name, status, final, delivered, outcome) => {
		expect(statusFromName(name)).toEqual({ status, final, delivered, outcome });
	});

	it.each(['QUEUED', '', 'DELIVERED!', 42, null, undefined])('%j is not a documented name', (name) => {
		expect(statusFromName(name)).toBeUndefined();
	});

	it('maps the wholesale code scale (§6.1) and the Qlara/Universal scale (§4.3, §6.3)', () => {
		expect([0, 1, 2, 3, 4, 5, 6].map((code) => statusFromWholesaleCode(code)?.status)).toEqual([
			'delivered',
			'buffered',
			'expired',
			'rejected',
			'undeliverable',
			'unknown',
			'failed',
		]);
		expect(statusFromWholesaleCode('4')?.status).toBe('undeliverable');
		expect([7, -1, 1.5, 'x', null].map((code) => statusFromWholesaleCode(code))).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expect(statusFromQlaraCode(3)?.status).toBe('delivered');
		expect(statusFromQlaraCode('6')?.status).toBe('undelivered');
		expect(statusFromQlaraCode(0)).toBeUndefined();
	});

	it('only "delivered" is delivered, and an undocumented status is never final', () => {
		for (const [status, row] of Object.entries(DELIVERY_STATUS_TABLE)) {
			expect(row.status).toBe(status);
			expect(row.delivered).toBe(status === 'delivered');
		}
		expect(UNDOCUMENTED_STATUS).toEqual({ status: 'undocumented', final: false, delivered: false, outcome: 'other' });
	});
});
