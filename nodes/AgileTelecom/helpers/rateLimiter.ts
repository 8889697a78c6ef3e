import { sleep } from 'n8n-workflow';

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
	/** Clock, replaceable in tests. */
	now?: () => number;
}

/**
 * A client-side rate ceiling shared by concurrent workers, without timers of its own: a caller reserves the
 * next free slot synchronously and sleeps until it (GCRA, "virtual scheduling").
 *
 * Slots follow a theoretical schedule, not the time a caller actually woke up, so a timer firing a few
 * milliseconds late does not lower the achieved rate. `pause()` is the shared "not before" time: a 429 seen by
 * one worker moves every waiting worker behind the server's requested wait, so the others do not spend
 * their requests (and their own 429s) on a window that is already full.
 */
export class RateLimiter {
	private readonly interval: number;
	private readonly tolerance: number;
	private readonly signal?: AbortSignal;
	private readonly now: () => number;
	/** Theoretical time of the next slot. */
	private nextSlot = Number.NEGATIVE_INFINITY;
	private notBefore = Number.NEGATIVE_INFINITY;
	/** Bumped by every pause: a reservation made before it is void. */
	private epoch = 0;

	constructor(options: RateLimiterOptions) {
		const rate = options.ratePerSecond;
		this.interval = Number.isFinite(rate) && rate > 0 ? 1000 / rate : 0;
		const burst = Math.max(1, Math.floor(options.burst ?? 1));
		this.tolerance = (burst - 1) * this.interval;
		this.signal = options.signal;
		this.now = options.now ?? Date.now;
	}

	/** Resolves when the caller may send one request; rejects once the signal is aborted, even without a wait. */
	async acquire(): Promise<void> {
		for (;;) {
			this.signal?.throwIfAborted();
			const now = this.now();
			const slot = Math.max(now, this.nextSlot - this.tolerance, this.notBefore);
			this.nextSlot = Math.max(this.nextSlot, slot) + this.interval;
			if (slot <= now) return;
			const epoch = this.epoch;
			await sleep(slot - now, this.signal);
			if (epoch === this.epoch) return;
			// A 429 arrived while this caller slept: its slot may lie inside the window the server refused.
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
}
