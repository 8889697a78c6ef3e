import { sleep as n8nSleep } from 'n8n-workflow';

/**
 * The limiter keeps 1 % below the ceiling it is given: between its decision and the request reaching the
 * server lie a few milliseconds that vary (the rest of the event loop's turn, the network), and at exactly
 * the ceiling they would be enough to put one request too many into a server's one-second window.
 */
const HEADROOM = 1.01;

export interface RateLimiterOptions {
	/** Requests per second; not finite or ≤ 0 = no limit (pauses still hold). */
	ratePerSecond: number;
	/**
	 * How many requests may start back to back after an idle spell. The default 1 means even spacing of
	 * 1/rate: with the ceiling set to exactly the account's limit, a burst on top of it could overflow a
	 * per-second window on the server and cost a 429 whose smallest wait (1 s) is worth far more than the burst.
	 */
	burst?: number;
	/**
	 * Longest pause the limiter applies (the user's Max Delay). A longer one is refused: every waiting caller,
	 * and every caller arriving before it would have ended, is rejected at once with the pause's reason.
	 * Default: no bound.
	 */
	maxWait?: number;
	/** Cancels waits (the execution's cancel signal): `acquire()` then rejects with its reason. */
	signal?: AbortSignal;
	/** Clock in milliseconds, replaceable in tests. Default: the monotonic `performance.now()`. */
	now?: () => number;
	/** Timer, replaceable in tests together with `now` (a virtual clock). */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Waiter {
	arrival: number;
	resolve: () => void;
	reject: (reason: unknown) => void;
}

/**
 * A client-side rate ceiling shared by concurrent callers, without timers of its own: callers queue in arrival
 * order and the one at the head sleeps until it may start. Everything it does follows from one invariant,
 * computed in one place (`earliestStart`). With I = 1.01 / rate seconds, N = the rate rounded down (at least 1),
 * W = N × I, the k-th start happens at the first moment t at which all of these hold:
 *
 *   t ≥ slot(k)              slot(k) = max(slot(k−1) + I, arrival(k), t − catch-up)
 *   t ≥ start(k−1) + gap     gap = I / 2 (0 with a burst)
 *   t ≥ start(k−N) + W       so never more than N starts in any window of W (50 in 1.01 s at 50/s)
 *   t ≥ pause end
 *
 * What each term buys:
 * - slots follow a schedule, not the time a caller woke up, so a timer firing late does not lower the rate:
 *   the slots that fell due while the event loop was busy are caught up afterwards, but at most a tenth of a
 *   window of them (100 ms at 50/s, the catch-up): after a longer stall the rest is lost, not paid back in a
 *   burst that the next second would have to make up for. A caller's own arrival bounds its slot: idle time
 *   is not owed. With `burst` B > 1, slots may lie up to (B − 1) × I before that schedule (GCRA's tolerance).
 * - the gap, measured between actual starts, makes a catch-up leave one request at a time at no more than
 *   twice the rate; in a steady run the slots are I apart and the gap never binds.
 * - the window is the server's: whatever the timers did, it holds on the start times themselves.
 * - a pause (a 429 seen by any caller) holds every caller until the server's requested time; the schedule
 *   restarts there, so no burst follows. A pause longer than `maxWait` is not waited out: it fails every caller
 *   now waiting and every caller arriving before it ends, at once, with the reason given.
 */
export class RateLimiter {
	private readonly interval: number;
	private readonly tolerance: number;
	private readonly catchUp: number;
	private readonly gap: number;
	private readonly windowLimit: number;
	private readonly windowMs: number;
	private readonly maxWait: number;
	private readonly signal?: AbortSignal;
	private readonly now: () => number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	private readonly queue: Waiter[] = [];
	private draining = false;
	/** Theoretical time of the next slot (GCRA's TAT): `interval` after the latest slot, or later. */
	private nextSlot = Number.NEGATIVE_INFINITY;
	private lastStart = Number.NEGATIVE_INFINITY;
	private pauseEnd = Number.NEGATIVE_INFINITY;
	private refused?: { until: number; reason: unknown };
	/** Start times of the last `windowLimit` starts, oldest first (a ring). */
	private readonly starts: number[] = [];
	private ringIndex = 0;

	constructor(options: RateLimiterOptions) {
		const rate = options.ratePerSecond;
		const limited = Number.isFinite(rate) && rate > 0;
		this.interval = limited ? (1000 * HEADROOM) / rate : 0;
		const burst = Math.max(1, Math.floor(options.burst ?? 1));
		this.tolerance = (burst - 1) * this.interval;
		this.windowLimit = limited ? Math.max(1, Math.floor(rate)) : 0;
		this.windowMs = this.windowLimit * this.interval;
		this.catchUp = Math.max(this.interval / 2, this.windowMs / 10);
		this.gap = burst > 1 ? 0 : this.interval / 2;
		this.maxWait = options.maxWait ?? Number.POSITIVE_INFINITY;
		this.signal = options.signal;
		// Monotonic and below the millisecond: a wall clock could step, and whole milliseconds would let 50
		// starts at 20 ms spacing fit into 999.x ms of real time.
		this.now = options.now ?? (() => performance.now());
		this.sleep = options.sleep ?? n8nSleep;
	}

	/** Resolves when the caller may send one request; rejects once the signal is aborted, even without a wait. */
	async acquire(): Promise<void> {
		this.signal?.throwIfAborted();
		const now = this.now();
		if (this.refused && now < this.refused.until) throw this.refused.reason;
		await new Promise<void>((resolve, reject) => {
			this.queue.push({ arrival: now, resolve, reject });
			void this.drain();
		});
	}

	/**
	 * Nobody starts a request for `ms` from now; afterwards requests resume at the normal spacing, without a
	 * burst. Beyond `maxWait` nobody waits: see the class comment. `reason` is what the callers are rejected with.
	 */
	pause(ms: number, reason: unknown = new Error(`The server asked for a wait of ${Math.round(ms)} ms, longer than allowed`)): void {
		const now = this.now();
		const until = now + Math.max(0, ms);
		if (ms > this.maxWait) {
			if (!this.refused || until > this.refused.until) this.refused = { until, reason };
			this.rejectAll(reason);
			return;
		}
		if (until <= this.pauseEnd) return;
		this.pauseEnd = until;
		// The schedule restarts at the pause's end with the tolerance spent: no burst follows a 429.
		this.nextSlot = Math.max(this.nextSlot, until + this.tolerance);
	}

	/** The invariant of the class comment, for the caller at the head of the queue. */
	private earliestStart(head: Waiter, now: number): { at: number; slot: number } {
		const slot = Math.max(this.nextSlot - this.tolerance, head.arrival, now - this.catchUp, this.pauseEnd);
		const windowFull = this.windowLimit > 0 && this.starts.length === this.windowLimit;
		const windowOpens = windowFull ? this.starts[this.ringIndex] + this.windowMs : Number.NEGATIVE_INFINITY;
		return { at: Math.max(slot, this.lastStart + this.gap, windowOpens), slot };
	}

	/** Lets the queue go one caller at a time; only one drain runs, and only its head sleeps. */
	private async drain(): Promise<void> {
		if (this.draining) return;
		this.draining = true;
		try {
			while (this.queue.length > 0) {
				const now = this.now();
				const { at, slot } = this.earliestStart(this.queue[0], now);
				if (at > now) {
					await this.sleep(at - now, this.signal);
					continue;
				}
				this.record(now, slot);
				(this.queue.shift() as Waiter).resolve();
			}
		} catch (reason) {
			// Only the sleep throws: the execution was cancelled.
			this.rejectAll(reason);
		} finally {
			this.draining = false;
		}
	}

	private record(now: number, slot: number): void {
		this.nextSlot = Math.max(this.nextSlot, slot) + this.interval;
		this.lastStart = now;
		if (this.windowLimit === 0) return;
		if (this.starts.length < this.windowLimit) this.starts.push(now);
		else {
			this.starts[this.ringIndex] = now;
			this.ringIndex = (this.ringIndex + 1) % this.windowLimit;
		}
	}

	private rejectAll(reason: unknown): void {
		for (const waiter of this.queue.splice(0)) waiter.reject(reason);
	}
}
