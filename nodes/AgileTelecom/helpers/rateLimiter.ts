import { sleep as n8nSleep } from 'n8n-workflow';

/**
 * The limiter keeps 1 % below the ceiling it is given: between its decision and the request reaching the
 * server lie a few milliseconds that vary (the rest of the event loop's turn, the network), and at exactly
 * the ceiling they would be enough to put one request too many into a server's one-second window.
 */
const HEADROOM = 1.01;

export interface RateLimiterOptions {
	/** Requests per second; not finite or ≤ 0 = no limit. */
	ratePerSecond: number;
	/**
	 * How many requests may start back to back after an idle spell. The default 1 means even spacing of
	 * 1/rate: with the ceiling set to exactly the account's limit, a burst on top of it could overflow a
	 * per-second window on the server and cost a 429 whose smallest wait (1 s) is worth far more than the burst.
	 */
	burst?: number;
	/** Cancels waits (the execution's cancel signal): `acquire()` then rejects with its reason. */
	signal?: AbortSignal;
	/** Clock in milliseconds, replaceable in tests. Default: the monotonic `performance.now()`. */
	now?: () => number;
	/** Timer, replaceable in tests together with `now` (a virtual clock). */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Reservation {
	slot: number;
	/** `pause()` count when the slot was reserved: a later pause voids it. */
	epoch: number;
}

/**
 * A client-side rate ceiling shared by concurrent workers, without timers of its own: a caller reserves the
 * next free slot synchronously and sleeps until it (GCRA, "virtual scheduling").
 *
 * Slots follow a theoretical schedule, not the time a caller actually woke up, so timers firing late do not
 * lower the achieved rate: the slots that fell due while the event loop was busy are caught up afterwards, but
 * no more than a tenth of a window of them (100 ms at 50/s): a caller whose slot lies further back takes a new
 * one. A stall shorter than that leaves exactly that much unused in the server's window, so catching it up
 * does not crowd the next window; after a longer one the rest is lost, not paid back in a burst that the next
 * second would have to make up for. A caller arriving when nobody waits starts from now: idle time is not owed.
 *
 * Rules on when requests actually start keep that catching up from turning into a burst:
 * - window: in any window of N / rate seconds (plus the 1 % headroom) at most N requests start, N = the rate
 *   rounded down (at least 1). For an integer rate such as Qlara's 50/s: never more than 50 within 1.01 s,
 *   measured on the start times themselves, whatever the timers did;
 * - spacing (with `burst` 1): a caller whose slot has come and whom the window lets through is handed the next
 *   start time, half an interval after the previous one handed out, so the slots that fell due during a stall
 *   leave one by one at no more than twice the rate. Handing times out (rather than measuring from the previous
 *   start) keeps one late timer from delaying every later request;
 * - and, measured, no two requests ever start less than a quarter of an interval apart.
 *
 * `pause()` is the shared "not before" time: a 429 seen by one worker moves every waiting worker behind the
 * server's requested wait, so the others do not spend their requests (and their own 429s) on a window that is
 * already full.
 */
export class RateLimiter {
	private readonly interval: number;
	private readonly tolerance: number;
	/** How far behind the clock a slot reserved while others wait may lie. */
	private readonly catchUp: number;
	/** Between two start times handed out. */
	private readonly spacing: number;
	/** Between two actual starts. */
	private readonly minGap: number;
	private readonly windowLimit: number;
	private readonly windowMs: number;
	private readonly signal?: AbortSignal;
	private readonly now: () => number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Theoretical time of the next slot. */
	private nextSlot = Number.NEGATIVE_INFINITY;
	private notBefore = Number.NEGATIVE_INFINITY;
	/** Bumped by every pause: a reservation made before it is void. */
	private epoch = 0;
	/** Callers inside acquire(). */
	private waiting = 0;
	private lastStart = Number.NEGATIVE_INFINITY;
	/** The start time the spacing rule hands out next (or now, if later). */
	private nextStartTime = Number.NEGATIVE_INFINITY;
	/** Start times still inside the window, oldest first, from index `head` on. */
	private starts: number[] = [];
	private head = 0;

	constructor(options: RateLimiterOptions) {
		const rate = options.ratePerSecond;
		const limited = Number.isFinite(rate) && rate > 0;
		this.interval = limited ? (1000 * HEADROOM) / rate : 0;
		const burst = Math.max(1, Math.floor(options.burst ?? 1));
		this.tolerance = (burst - 1) * this.interval;
		this.windowLimit = limited ? Math.max(1, Math.floor(rate)) : 0;
		this.windowMs = this.windowLimit * this.interval;
		// Without a limit nothing is ever overdue.
		this.catchUp = limited ? Math.max(this.interval / 2, this.windowMs / 10) : Number.POSITIVE_INFINITY;
		this.spacing = burst > 1 ? 0 : this.interval / 2;
		this.minGap = this.spacing / 2;
		this.signal = options.signal;
		// Monotonic and below the millisecond: a wall clock could step, and whole milliseconds would let 50
		// starts at 20 ms spacing fit into 999.x ms of real time.
		this.now = options.now ?? (() => performance.now());
		this.sleep = options.sleep ?? n8nSleep;
	}

	/** Resolves when the caller may send one request; rejects once the signal is aborted, even without a wait. */
	async acquire(): Promise<void> {
		this.waiting++;
		try {
			let reservation = this.reserve(this.now());
			let startTime: number | undefined;
			for (;;) {
				this.signal?.throwIfAborted();
				const now = this.now();
				// Voided by a 429 that arrived meanwhile (the slot may lie inside the window the server refused),
				// or overdue by more than the catch-up: the slot is taken again, behind the callers already due.
				if (reservation.epoch !== this.epoch || reservation.slot < now - this.catchUp) {
					reservation = this.reserve(now);
				}
				let due = Math.max(reservation.slot, this.windowOpensAt(now));
				if (due <= now) {
					startTime ??= this.nextStart(now);
					const apart = this.lastStart + this.minGap;
					if (startTime <= now && apart <= now) {
						this.start(now);
						return;
					}
					due = Math.max(startTime, apart);
				} else {
					// A start time is handed out (again) once the slot and the window allow one.
					startTime = undefined;
				}
				await this.sleep(due - now, this.signal);
			}
		} finally {
			this.waiting--;
		}
	}

	/** Nobody starts a request for `ms` from now; afterwards requests resume at the normal spacing, without a burst. */
	pause(ms: number): void {
		const until = this.now() + Math.max(0, ms);
		if (until <= this.notBefore) return;
		this.notBefore = until;
		this.nextSlot = until + this.tolerance;
		this.epoch++;
	}

	private reserve(now: number): Reservation {
		const earliest = this.waiting > 1 ? now - this.catchUp : now;
		const slot = Math.max(earliest, this.nextSlot - this.tolerance, this.notBefore);
		this.nextSlot = Math.max(this.nextSlot, slot) + this.interval;
		return { slot, epoch: this.epoch };
	}

	private nextStart(now: number): number {
		const startTime = Math.max(now, this.nextStartTime);
		this.nextStartTime = startTime + this.spacing;
		return startTime;
	}

	/** When the next request may start without putting more than `windowLimit` into one window. */
	private windowOpensAt(now: number): number {
		if (this.windowLimit === 0) return Number.NEGATIVE_INFINITY;
		const starts = this.starts;
		while (this.head < starts.length && starts[this.head] <= now - this.windowMs) this.head++;
		if (this.head > 1024 && this.head * 2 > starts.length) {
			this.starts = starts.slice(this.head);
			this.head = 0;
		}
		const inWindow = this.starts.length - this.head;
		if (inWindow < this.windowLimit) return Number.NEGATIVE_INFINITY;
		return this.starts[this.starts.length - this.windowLimit] + this.windowMs;
	}

	private start(now: number): void {
		this.lastStart = now;
		if (this.windowLimit > 0) this.starts.push(now);
	}
}
