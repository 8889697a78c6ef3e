/**
 * Targets of the benchmarks (`npm run bench`, `npm run bench:n8n`): a result line carries
 * `targets: { name: { value, min | max | expected, met } }`, and a runner exits non-zero when one is not met.
 */

/** A target met when `value` ≥ `min`; a missing value (null/undefined) is a miss. */
export function atLeast(value, min) {
	return { value: value ?? null, min, met: typeof value === 'number' && value >= min };
}

/** A target met when `value` ≤ `max`; a missing value (null/undefined) is a miss. */
export function atMost(value, max) {
	return { value: value ?? null, max, met: typeof value === 'number' && value <= max };
}

/** A target met when `value` is exactly `expected`. */
export function is(value, expected) {
	return { value: value ?? null, expected, met: value === expected };
}

/** "scenario: name value < min" for every target of a result line that is not met. */
export function missedTargets(line) {
	const bound = (t) => ('min' in t ? `< ${t.min}` : 'max' in t ? `> ${t.max}` : `instead of ${t.expected}`);
	return Object.entries(line.targets ?? {})
		.filter(([, t]) => !t.met)
		.map(([name, t]) => `${line.scenario}: ${name} ${t.value} ${bound(t)}${t.why ? ` (${t.why})` : ''}`);
}

/** The most times that fall inside any half-open window [t, t + windowMs). */
export function maxInWindow(times, windowMs = 1000) {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	let first = 0;
	for (let last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/** The shortest time between two consecutive times (Infinity for fewer than two). */
export function smallestGap(times) {
	const sorted = [...times].sort((a, b) => a - b);
	let smallest = Number.POSITIVE_INFINITY;
	for (let k = 1; k < sorted.length; k++) smallest = Math.min(smallest, sorted[k] - sorted[k - 1]);
	return smallest;
}
