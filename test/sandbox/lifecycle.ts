import { startSandbox, type Sandbox, type SandboxOptions } from './server';

/**
 * One sandbox for the calling test file: started before its tests, closed after them, and after every test
 * checked for duplicates and then reset. The check lives here so that every file using it proves, test by
 * test, that no SMS was accepted twice — without each file having to remember it.
 *
 * Returns a stand-in that forwards to the running sandbox, so tests read `sandbox.url` as usual.
 */
export function useSandbox(options: SandboxOptions = {}): Sandbox {
	let current: Sandbox | undefined;
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
		// Reset before asserting: a failing test must not leave its faults and requests to the next one.
		sandbox.reset();
		expect(duplicates).toEqual([]);
	});
	afterAll(async () => {
		await current?.close();
	});

	return new Proxy({} as Sandbox, {
		get(_target, key) {
			const sandbox = running();
			const value: unknown = Reflect.get(sandbox, key);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(sandbox) : value;
		},
	});
}
