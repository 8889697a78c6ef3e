import { startSandbox, type Sandbox, type SandboxOptions } from './server';

/** How many times the sandbox accepted each destination, whatever the ids: what each phone received. */
export function deliveredTo(sandbox: Pick<Sandbox, 'contentDeliveries'>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const [key, n] of sandbox.contentDeliveries) {
		const destination = key.split(' ← ')[0];
		counts[destination] = (counts[destination] ?? 0) + n;
	}
	return counts;
}

export interface TestSandbox extends Sandbox {
	/**
	 * Declares the duplicates this test makes on purpose (keys as `duplicates()` names them: an id, or
	 * `destination ← text`). The after-test check then requires exactly these, so the declaration is proven too.
	 */
	expectDuplicates(keys: string[]): void;
}

/**
 * One sandbox for the calling test file: started before its tests, closed after them, and after every test
 * checked for duplicates and then reset. The check lives here so that every file using it proves, test by
 * test, that no SMS was accepted twice — by id, and by destination and text, which is what a phone's owner
 * sees — without each file having to remember it.
 *
 * Returns a stand-in that forwards to the running sandbox, so tests read `sandbox.url` as usual.
 */
export function useSandbox(options: SandboxOptions = {}): TestSandbox {
	let current: Sandbox | undefined;
	let expected: string[] = [];
	const running = (): Sandbox => {
		if (!current) throw new Error('The sandbox is used outside a test (it starts in beforeAll)');
		return current;
	};

	beforeAll(async () => {
		current = await startSandbox(options);
	});
	afterEach(() => {
		const sandbox = running();
		const duplicates = sandbox.duplicates();
		const declared = expected;
		expected = [];
		// Reset before asserting: a failing test must not leave its faults and requests to the next one.
		sandbox.reset();
		expect(duplicates.sort()).toEqual([...declared].sort());
	});
	afterAll(async () => {
		await current?.close();
	});

	const expectDuplicates = (keys: string[]) => {
		expected = [...keys];
	};
	return new Proxy({} as TestSandbox, {
		get(_target, key) {
			if (key === 'expectDuplicates') return expectDuplicates;
			const sandbox = running();
			const value: unknown = Reflect.get(sandbox, key);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(sandbox) : value;
		},
	});
}
