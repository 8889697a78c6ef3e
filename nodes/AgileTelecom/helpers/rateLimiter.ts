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
	 * How many requests may start back to back after an idle spell. The default 1 means strict spacing of
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
	/** `shifted` when the slot was reserved: the slot moves by whatever was added since. */
	shifted: number;
}

/**
 * A client-side rate ceiling shared by concurrent workers, without timers of its own: a caller reserves the
 * next free slot synchronously and sleeps until it (GCRA, "virtual scheduling").
 *
 * Slots follow a theoretical schedule, not the time a caller actually woke up, so timers firing late do not
 * lower the achieved rate: slots that fell due while the event loop was busy are caught up afterwards. Only a
 * tenth of a window (100 ms at 50/s) is caught up; after a longer stall the whole schedule moves back by the
 * rest, so a long pause is not followed by a long stretch above the rate.
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
	/** How far the schedule may lag behind the clock before it is moved back. */
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
	/** How far stalls have moved the schedule back, in total. */
	private shifted = 0;
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
		this.catchUp = Math.max(this.interval / 2, this.windowMs / 10);
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
		let reservation = this.reserve();
		let startTime: number | undefined;
		for (;;) {
			this.signal?.throwIfAborted();
			if (reservation.epoch !== this.epoch) {
				// A 429 arrived while this caller slept: its slot may lie inside the window the server refused.
				reservation = this.reserve();
			}
			const now = this.now();
			let due = Math.max(this.slotOf(reservation), this.windowOpensAt(now));
			const apart = this.lastStart + this.minGap;
			if (due <= now) {
				startTime ??= this.nextStart(now);
				if (startTime <= now && apart <= now) {
					this.start(now, reservation);
					return;
				}
				due = Math.max(startTime, apart);
			} else {
				// A start time is handed out (again) once the slot and the window allow one.
				startTime = undefined;
			}
			await this.sleep(due - now, this.signal);
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

	private reserve(): Reservation {
		const slot = Math.max(this.now(), this.nextSlot - this.tolerance, this.notBefore);
		this.nextSlot = Math.max(this.nextSlot, slot) + this.interval;
		return { slot, epoch: this.epoch, shifted: this.shifted };
	}

	private slotOf(reservation: Reservation): number {
		return reservation.slot + this.shifted - reservation.shifted;
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

	private start(now: number, reservation: Reservation): void {
		const lateBy = now - this.slotOf(reservation) - this.catchUp;
		if (lateBy > 0) {
			// Every slot reserved so far, and the next one, moves back by the part of the delay not caught up.
			this.shifted += lateBy;
			this.nextSlot += lateBy;
		}
		this.lastStart = now;
		if (this.windowLimit > 0) this.starts.push(now);
	}
}
