/**
 * Runs `task` for every index with at most `limit` in flight and returns the results in index order,
 * whatever order they finish in. After `stop()` or a thrown error, no new task starts; the ones already
 * running are awaited, so no request is left in flight unseen, and then the first error is thrown.
 */
export async function mapWithConcurrency<T>(
	count: number,
	limit: number,
	task: (index: number, stop: () => void) => Promise<T>,
): Promise<Array<T | undefined>> {
	const results = new Array<T | undefined>(count);
	let next = 0;
	let stopped = false;
	let failure: { error: unknown } | undefined;
	const stop = () => {
		stopped = true;
	};
	const worker = async () => {
		while (!stopped && next < count) {
			const index = next++;
			results[index] = await task(index, stop).catch((error: unknown) => {
				failure ??= { error };
				stopped = true;
				return undefined;
			});
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
	if (failure) throw failure.error;
	return results;
}
