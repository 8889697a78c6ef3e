import { sleep } from 'n8n-workflow';

import { RateLimiter } from '../../../../nodes/AgileTelecom/helpers/rateLimiter';

/** Resolution time of each acquire, in ms after `start`, in the order the calls were made. */
async function acquireTimes(limiter: RateLimiter, count: number, start: number): Promise<number[]> {
	return await Promise.all(
		Array.from({ length: count }, async () => {
			await limiter.acquire();
			return Date.now() - start;
		}),
	);
}

// Node's timers may fire up to 1 ms early after rounding; the lower bounds allow for that.
const EARLY = 2;

describe('RateLimiter', () => {
	it('lets the first request go at once and spaces the others by 1 / rate', async () => {
		const start = Date.now();
		const times = await acquireTimes(new RateLimiter({ ratePerSecond: 50 }), 6, start);
		expect(times[0]).toBeLessThan(10);
		// Slots follow the schedule (k × 20 ms), so one late timer does not push the later ones back.
		times.forEach((t, k) => expect(t).toBeGreaterThanOrEqual(k * 20 - EARLY));
		expect(times[5]).toBeLessThan(400);
	});

	it('keeps the schedule for callers that arrive one after another', async () => {
		const limiter = new RateLimiter({ ratePerSecond: 100 });
		const start = Date.now();
		const times: number[] = [];
		for (let k = 0; k < 5; k++) {
			await limiter.acquire();
			times.push(Date.now() - start);
		}
		expect(times[4]).toBeGreaterThanOrEqual(40 - EARLY);
	});

	it('allows `burst` requests back to back, then the normal spacing', async () => {
		const start = Date.now();
		const times = await acquireTimes(new RateLimiter({ ratePerSecond: 20, burst: 3 }), 5, start);
		expect(times.slice(0, 3).every((t) => t < 10)).toBe(true);
		expect(times[3]).toBeGreaterThanOrEqual(50 - EARLY);
		expect(times[4]).toBeGreaterThanOrEqual(100 - EARLY);
	});

	it('does not limit when the rate is 0', async () => {
		const start = Date.now();
		const times = await acquireTimes(new RateLimiter({ ratePerSecond: 0 }), 20, start);
		expect(Math.max(...times)).toBeLessThan(20);
	});

	it('pause() holds back new callers and callers already waiting, then resumes without a burst', async () => {
		const limiter = new RateLimiter({ ratePerSecond: 20, burst: 2 });
		const start = Date.now();
		await limiter.acquire();
		await limiter.acquire();
		// The burst is spent: these three sleep until their slots (50, 100, 150 ms).
		const waiting = acquireTimes(limiter, 3, start);
		limiter.pause(150);
		const later = acquireTimes(limiter, 1, start);
		const times = [...(await waiting), ...(await later)].sort((a, b) => a - b);
		// Nobody before the pause ends, then one slot every 50 ms: the burst of 2 is not granted again.
		times.forEach((t, k) => expect(t).toBeGreaterThanOrEqual(150 + k * 50 - EARLY));
		expect(times[3]).toBeLessThan(600);
	});

	it('a shorter pause does not shorten a longer one', async () => {
		const limiter = new RateLimiter({ ratePerSecond: 1000 });
		const start = Date.now();
		limiter.pause(120);
		limiter.pause(10);
		const [time] = await acquireTimes(limiter, 1, start);
		expect(time).toBeGreaterThanOrEqual(120 - EARLY);
	});

	it('rejects waiting callers at once when the signal aborts, and refuses new ones', async () => {
		const controller = new AbortController();
		const limiter = new RateLimiter({ ratePerSecond: 1, signal: controller.signal });
		await limiter.acquire();
		const start = Date.now();
		const waiting = limiter.acquire();
		controller.abort(new Error('cancelled'));
		await expect(waiting).rejects.toThrow('cancelled');
		expect(Date.now() - start).toBeLessThan(100);
		await expect(new RateLimiter({ ratePerSecond: 0, signal: controller.signal }).acquire()).rejects.toThrow('cancelled');
	});
});

/** Most start times inside any half-open window [t, t + windowMs). */
function maxInWindow(starts: number[], windowMs: number): number {
	const sorted = [...starts].sort((a, b) => a - b);
	let most = 0;
	let first = 0;
	for (let last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

function smallestGap(starts: number[]): number {
	const sorted = [...starts].sort((a, b) => a - b);
	let smallest = Number.POSITIVE_INFINITY;
	for (let k = 1; k < sorted.length; k++) smallest = Math.min(smallest, sorted[k] - sorted[k - 1]);
	return smallest;
}

/** Promise continuations run between two timers, as in Node's event loop; this lets them all run. */
async function settle(): Promise<void> {
	for (let k = 0; k < 100; k++) await Promise.resolve();
}

/**
 * A virtual event loop: `now()` is virtual time and `sleep()` adds a timer. `run()` fires the timers in due
 * order, each at its due time plus `lateness()` (never before the current time), letting promises settle in
 * between. `stall(at, ms)` keeps the loop busy for `ms` from `at`: every timer due meanwhile fires when it ends,
 * one after the other at the same time, which is what a busy event loop does to real timers.
 */
class VirtualLoop {
	time = 0;
	private timers: Array<{ at: number; order: number; fire: () => void }> = [];
	private order = 0;

	readonly now = (): number => this.time;

	readonly sleep = async (ms: number): Promise<void> =>
		await new Promise<void>((resolve) => this.add(this.time + Math.max(0, ms), resolve));

	stall(at: number, ms: number): void {
		this.add(at, () => {
			this.time += ms;
		});
	}

	async run(lateness: () => number = () => 0): Promise<void> {
		for (;;) {
			await settle();
			if (this.timers.length === 0) return;
			this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
			const timer = this.timers.shift() as { at: number; fire: () => void };
			this.time = Math.max(this.time, timer.at + lateness());
			timer.fire();
		}
	}

	private add(at: number, fire: () => void): void {
		this.timers.push({ at, order: this.order++, fire });
	}
}

interface Simulation {
	rate: number;
	workers: number;
	requests: number;
	/** How long each request takes to answer, or a function of the request's number. */
	answerMs: number | ((n: number) => number);
	stalls?: Array<{ at: number; ms: number }>;
	lateness?: () => number;
}

/** Workers as the Qlara send runs them: acquire, send (the answer takes `answerMs`), next. Start times. */
async function simulate(s: Simulation): Promise<number[]> {
	const loop = new VirtualLoop();
	const limiter = new RateLimiter({ ratePerSecond: s.rate, now: loop.now, sleep: loop.sleep });
	const starts: number[] = [];
	let next = 0;
	const worker = async () => {
		while (next < s.requests) {
			const n = next++;
			await limiter.acquire();
			starts.push(loop.now());
			await loop.sleep(typeof s.answerMs === 'number' ? s.answerMs : s.answerMs(n));
		}
	};
	const done = Promise.all(Array.from({ length: s.workers }, worker));
	for (const stall of s.stalls ?? []) loop.stall(stall.at, stall.ms);
	await loop.run(s.lateness);
	await done;
	return starts;
}

/** Deterministic jitter in [0, maxMs): timers are never early, often a little late. */
function jitter(maxMs: number, seed = 7): () => number {
	// MINSTD: the products stay below 2^53, so the sequence is exact and the same on every machine.
	let state = seed;
	return () => {
		state = (state * 48271) % 2147483647;
		return (state / 2147483647) * maxMs;
	};
}

const achievedRate = (starts: number[]): number => ((starts.length - 1) * 1000) / (Math.max(...starts) - Math.min(...starts));

describe('RateLimiter after a stall (virtual clock)', () => {
	it('starts the slots that fell due during a busy event loop one by one, not all at once', async () => {
		const starts = await simulate({
			rate: 50,
			workers: 10,
			requests: 200,
			answerMs: 50,
			stalls: [{ at: 1000, ms: 300 }],
		});
		const afterStall = starts.filter((t) => t >= 1300);
		expect(afterStall.length).toBeGreaterThan(10);
		// Half an interval (10.1 ms) apart, measured between starts; before the first fix ten started at 1300 ms.
		expect(smallestGap(starts)).toBeGreaterThanOrEqual(10);
		expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(50);
	});

	it('never lets more than the rate start within any one second, through stalls and late timers', async () => {
		const starts = await simulate({
			rate: 50,
			workers: 10,
			requests: 1000,
			answerMs: 50,
			stalls: [
				{ at: 2000, ms: 150 },
				{ at: 5000, ms: 40 },
				{ at: 9000, ms: 900 },
				{ at: 12000, ms: 15 },
			],
			lateness: jitter(4),
		});
		expect(starts).toHaveLength(1000);
		expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(50);
		// The gap is measured between actual starts, so a late timer cannot bring two closer than half an interval.
		expect(smallestGap(starts)).toBeGreaterThanOrEqual(10);
		// The 900 ms stall costs most of its length (1 s of 21 s); the short ones are caught up.
		expect(achievedRate(starts)).toBeGreaterThanOrEqual(46);
	});

	it('keeps at least 90 % of the rate in a steady run whose timers fire late', async () => {
		const starts = await simulate({ rate: 50, workers: 10, requests: 1000, answerMs: 50, lateness: jitter(4, 11) });
		expect(achievedRate(starts)).toBeGreaterThanOrEqual(0.9 * 50);
		expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(50);
	});

	it('catches up the slots lost in short stalls, at no more than twice the rate', async () => {
		// A 60 ms stall every half second: without catching up, 12 % of the slots would be lost.
		const stalls = Array.from({ length: 40 }, (_, k) => ({ at: 250 + k * 500, ms: 60 }));
		const starts = await simulate({ rate: 50, workers: 10, requests: 1000, answerMs: 50, stalls, lateness: jitter(2, 5) });
		expect(achievedRate(starts)).toBeGreaterThanOrEqual(0.97 * 50);
		expect(smallestGap(starts)).toBeGreaterThanOrEqual(10);
		expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(50);
	});

	it('after a long stall catches up no more than a tenth of a second of slots', async () => {
		const starts = await simulate({ rate: 50, workers: 10, requests: 300, answerMs: 50, stalls: [{ at: 2000, ms: 900 }] });
		// 500 ms hold about 25 slots at 49.5/s; on top of them at most 5 (100 ms) of the 45 the stall cost.
		const afterStall = starts.filter((t) => t >= 2900 && t < 3400);
		expect(afterStall.length).toBeLessThanOrEqual(25 + 5 + 1);
		expect(smallestGap(starts)).toBeGreaterThanOrEqual(10);
	});

	it('spaces the workers that come back together from a slow answer', async () => {
		// Requests 0–9 take 2 s to answer, so all ten workers return at about the same time.
		const starts = await simulate({ rate: 50, workers: 10, requests: 60, answerMs: (n) => (n < 10 ? 2000 : 50) });
		const later = starts.filter((t) => t >= 2000);
		expect(later.length).toBeGreaterThan(40);
		expect(smallestGap(later)).toBeGreaterThanOrEqual(10);
		expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(50);
	});

	it('with a fractional rate (1.6/s, a trial account) keeps one request per 625 ms', async () => {
		const starts = await simulate({ rate: 1.6, workers: 3, requests: 30, answerMs: 50, lateness: jitter(4, 3) });
		expect(smallestGap(starts)).toBeGreaterThanOrEqual(625);
		expect(achievedRate(starts)).toBeGreaterThanOrEqual(0.9 * 1.6);
	});
});

describe('RateLimiter: no pause past maxWait (virtual clock)', () => {
	/** Settles every acquire into when and how it ended, on the virtual clock. */
	function track(loop: VirtualLoop, limiter: RateLimiter, count: number) {
		return Array.from({ length: count }, async () =>
			await limiter.acquire().then(
				() => ({ at: loop.now(), reason: undefined as unknown }),
				(reason: unknown) => ({ at: loop.now(), reason }),
			),
		);
	}

	it('a pause longer than maxWait rejects every waiting caller at once with its reason, and callers arriving during it', async () => {
		const loop = new VirtualLoop();
		const limiter = new RateLimiter({ ratePerSecond: 2, maxWait: 60_000, now: loop.now, sleep: loop.sleep });
		const reason = new Error('asked for 3600 s');
		// The first starts at once; the other three wait for their slots (505, 1010, 1515 ms).
		const callers = track(loop, limiter, 4);
		const paused = (async () => {
			await loop.sleep(100);
			limiter.pause(3_600_000, reason);
			return await Promise.all(track(loop, limiter, 1));
		})();
		await loop.run();
		const results = [...(await Promise.all(callers)), ...(await paused)];
		expect(results[0]).toEqual({ at: 0, reason: undefined });
		expect(results.slice(1)).toEqual([1, 2, 3, 4].map(() => ({ at: 100, reason })));
	});

	it('a pause of exactly maxWait is waited out, then the schedule restarts without a burst', async () => {
		const loop = new VirtualLoop();
		const limiter = new RateLimiter({ ratePerSecond: 10, maxWait: 500, now: loop.now, sleep: loop.sleep });
		limiter.pause(500, new Error('not used'));
		const callers = track(loop, limiter, 3);
		await loop.run();
		expect((await Promise.all(callers)).map((r) => [Math.round(r.at), r.reason])).toEqual([
			[500, undefined],
			[601, undefined],
			[702, undefined],
		]);
	});

	it('once the refused wait is over, callers start again', async () => {
		const loop = new VirtualLoop();
		const limiter = new RateLimiter({ ratePerSecond: 0, maxWait: 10, now: loop.now, sleep: loop.sleep });
		const reason = new Error('asked for 1 s');
		limiter.pause(1000, reason);
		await expect(limiter.acquire()).rejects.toBe(reason);
		loop.time = 1000;
		await expect(limiter.acquire()).resolves.toBeUndefined();
	});
});

/** Keeps the event loop busy, as a long synchronous computation in the same process would. */
function blockEventLoop(ms: number): void {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		// busy: no timer and no I/O callback can run meanwhile
	}
}

describe('RateLimiter after a real stall', () => {
	it('does not release the overdue slots of a blocked event loop all at once', async () => {
		const limiter = new RateLimiter({ ratePerSecond: 50 });
		const starts: number[] = [];
		let next = 0;
		const worker = async () => {
			while (next < 80) {
				next++;
				await limiter.acquire();
				starts.push(Date.now());
				await sleep(30);
			}
		};
		const workers = Promise.all(Array.from({ length: 10 }, worker));
		await sleep(200);
		blockEventLoop(250);
		await workers;
		// Decided half an interval (10 ms) apart; Date.now() is read after each acquire has resolved, which a loaded
		// machine may delay for one start and not the next, so only a quarter (5 ms, minus 1 for the rounding) is asserted.
		expect(smallestGap(starts)).toBeGreaterThanOrEqual(5 - 1);
		expect(maxInWindow(starts, 1000 - 2)).toBeLessThanOrEqual(50);
	});
});
