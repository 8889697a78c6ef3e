/**
 * The one meaning of a delivery status in this package. The trigger's delivery events and Message → Get Status
 * both take `final` and `delivered` from here, so a status never means one thing in a callback and another in a
 * lookup.
 *
 * | status        | provider names and codes                         | final | delivered | outcome   |
 * | ------------- | ------------------------------------------------ | ----- | --------- | --------- |
 * | delivered     | DELIVERED, wholesale 0, Qlara/Universal 3        | yes   | yes       | delivered |
 * | buffered      | BUFFERED, wholesale 1                            | no    | no        | other     |
 * | sent          | SENT                                             | no    | no        | other     |
 * | received      | RECEIVED                                         | no    | no        | other     |
 * | expired       | EXPIRED, wholesale 2                             | yes   | no        | expired   |
 * | rejected      | REJECTED, wholesale 3                            | yes   | no        | failed    |
 * | undeliverable | UNDELIVERABLE, wholesale 4                       | yes   | no        | failed    |
 * | undelivered   | Qlara/Universal 6                                | yes   | no        | failed    |
 * | failed        | FAILED, ERROR, wholesale 6                       | yes   | no        | failed    |
 * | unknown       | UNKNOWN, wholesale 5                             | yes   | no        | other     |
 * | undocumented  | any other name or code                           | no    | no        | other     |
 *
 * UNKNOWN is final: the only page that defines it (wholesale, agile-api.md §6.1) says "no final state within the
 * validity window", i.e. the carrier will not report this message any more. The Qlara status list (§7) glosses it
 * as "no status info", which does not contradict that. A name or code the documentation does not list is never
 * counted as final: a later report may still settle it.
 */

export type DeliveryStatus =
	| 'delivered'
	| 'buffered'
	| 'sent'
	| 'received'
	| 'expired'
	| 'rejected'
	| 'undeliverable'
	| 'undelivered'
	| 'failed'
	| 'unknown'
	| 'undocumented';

/** The coarse result a workflow usually branches on. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'expired' | 'other';

export interface DeliveryStatusInfo {
	status: DeliveryStatus;
	/** No further report or change is expected for this message. */
	final: boolean;
	/** The handset confirmed the message. */
	delivered: boolean;
	outcome: DeliveryOutcome;
}

function info(status: DeliveryStatus, final: boolean, outcome: DeliveryOutcome): DeliveryStatusInfo {
	return { status, final, delivered: outcome === 'delivered', outcome };
}

export const DELIVERY_STATUS_TABLE: Readonly<Record<DeliveryStatus, DeliveryStatusInfo>> = {
	delivered: info('delivered', true, 'delivered'),
	buffered: info('buffered', false, 'other'),
	sent: info('sent', false, 'other'),
	received: info('received', false, 'other'),
	expired: info('expired', true, 'expired'),
	rejected: info('rejected', true, 'failed'),
	undeliverable: info('undeliverable', true, 'failed'),
	undelivered: info('undelivered', true, 'failed'),
	failed: info('failed', true, 'failed'),
	unknown: info('unknown', true, 'other'),
	undocumented: info('undocumented', false, 'other'),
};

export const UNDOCUMENTED_STATUS = DELIVERY_STATUS_TABLE.undocumented;

/** Status names of the wholesale DLR (§6.1), the partner-gateway payload (§6.4) and the Qlara status API (§7). */
const STATUS_NAMES: Readonly<Record<string, DeliveryStatus>> = {
	DELIVERED: 'delivered',
	BUFFERED: 'buffered',
	SENT: 'sent',
	RECEIVED: 'received',
	EXPIRED: 'expired',
	REJECTED: 'rejected',
	UNDELIVERABLE: 'undeliverable',
	FAILED: 'failed',
	ERROR: 'failed',
	UNKNOWN: 'unknown',
};

/** §6.1: the wholesale `statusCode` scale. */
const WHOLESALE_CODES: Readonly<Record<number, DeliveryStatus>> = {
	0: 'delivered',
	1: 'buffered',
	2: 'expired',
	3: 'rejected',
	4: 'undeliverable',
	5: 'unknown',
	6: 'failed',
};

/** §4.3 and §6.3: Universal and Qlara webhooks share another scale, of which only 3 and 6 are documented (§16 q.5). */
const QLARA_CODES: Readonly<Record<number, DeliveryStatus>> = {
	3: 'delivered',
	6: 'undelivered',
};

/** A documented status name (any case, surrounding spaces ignored), or undefined. */
export function statusFromName(name: unknown): DeliveryStatusInfo | undefined {
	if (typeof name !== 'string') return undefined;
	const status = STATUS_NAMES[name.trim().toUpperCase()];
	return status === undefined ? undefined : DELIVERY_STATUS_TABLE[status];
}

function codeOf(code: unknown): number | undefined {
	if (typeof code === 'number') return Number.isInteger(code) ? code : undefined;
	if (typeof code === 'string' && /^\s*-?\d+\s*$/.test(code)) return Number(code);
	return undefined;
}

export function statusFromWholesaleCode(code: unknown): DeliveryStatusInfo | undefined {
	const c = codeOf(code);
	const status = c === undefined ? undefined : WHOLESALE_CODES[c];
	return status === undefined ? undefined : DELIVERY_STATUS_TABLE[status];
}

export function statusFromQlaraCode(code: unknown): DeliveryStatusInfo | undefined {
	const c = codeOf(code);
	const status = c === undefined ? undefined : QLARA_CODES[c];
	return status === undefined ? undefined : DELIVERY_STATUS_TABLE[status];
}
