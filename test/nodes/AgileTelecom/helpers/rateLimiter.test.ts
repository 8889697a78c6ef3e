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
