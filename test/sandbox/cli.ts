/**
 * Runs the sandbox as a process (the demo and manual testing use it):
 *
 *   npm run build:dev && node .cache/dev-dist/test/sandbox/cli.js --port 0 [flags]
 *
 * Prints one JSON line `{"url":"http://127.0.0.1:PORT","port":PORT,"apiKeys":[…],"basic":[…]}` on stdout once
 * listening, then keeps running until SIGINT/SIGTERM.
 *
 * Flags (repeatable where it makes sense):
 *   --port N                 0 = random (default)
 *   --api-key KEY            a valid X-Api-Key (repeatable; default test-api-key)
 *   --user NAME --pass PASS  a valid Basic pair (repeatable, in order; default test-user/test-pass)
 *   --latency MS             latency before every response
 *   --per-second N           rate limit, requests per second
 *   --per-minute N           rate limit, requests per minute
 *   --batch-shape results|processed
 *   --qlara-shape sms|array
 *   --webhook-mode conflict|replace
 *   --max-messages N         413 beyond N destinations per messages[] request
 *   --max-body-bytes N       413 beyond N bytes
 *   --credit N
 *   --reject DEST=CODE       per-destination rejection inside a 200 (repeatable)
 *   --no-record              keep counters only (long runs)
 */
import { startSandbox, type BasicCredentials, type SandboxOptions } from './server';

export function parseArgs(argv: string[]): SandboxOptions {
	const options: SandboxOptions = {};
	const apiKeys: string[] = [];
	const users: string[] = [];
	const passes: string[] = [];
	const rejections: Record<string, number> = {};
	const num = (flag: string, value: string | undefined): number => {
		const n = Number(value);
		if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = (): string => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		switch (flag) {
			case '--port':
				options.port = num(flag, value());
				break;
			case '--api-key':
				apiKeys.push(value());
				break;
			case '--user':
				users.push(value());
				break;
			case '--pass':
				passes.push(value());
				break;
			case '--latency':
				options.latencyMs = num(flag, value());
				break;
			case '--per-second':
				options.rateLimit = { ...options.rateLimit, perSecond: num(flag, value()) };
				break;
			case '--per-minute':
				options.rateLimit = { ...options.rateLimit, perMinute: num(flag, value()) };
				break;
			case '--batch-shape':
				options.batchShape = value() === 'processed' ? 'processed' : 'results';
				break;
			case '--qlara-shape':
				options.qlaraShape = value() === 'array' ? 'array' : 'sms';
				break;
			case '--webhook-mode':
				options.webhookMode = value() === 'replace' ? 'replace' : 'conflict';
				break;
			case '--max-messages':
				options.maxMessagesPerRequest = num(flag, value());
				break;
			case '--max-body-bytes':
				options.maxBodyBytes = num(flag, value());
				break;
			case '--credit':
				options.credit = num(flag, value());
				break;
			case '--reject': {
				const [destination, code] = value().split('=');
				rejections[destination] = num(flag, code);
				break;
			}
			case '--no-record':
				options.record = false;
				break;
			default:
				throw new Error(`Unknown flag ${flag}`);
		}
	}
	if (apiKeys.length) options.apiKeys = apiKeys;
	if (users.length) {
		options.basic = users.map((username, i): BasicCredentials => ({ username, password: passes[i] ?? '' }));
	}
	if (Object.keys(rejections).length) options.rejections = rejections;
	return options;
}

async function main(): Promise<void> {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- CLI entry point: reads its flags
	const proc = process;
	const options = parseArgs(proc.argv.slice(2));
	const sandbox = await startSandbox(options);
	proc.stdout.write(
		`${JSON.stringify({
			url: sandbox.url,
			port: sandbox.port,
			apiKeys: options.apiKeys ?? ['test-api-key'],
			basic: options.basic ?? [{ username: 'test-user', password: 'test-pass' }],
		})}\n`,
	);
	const stop = () => {
		void sandbox.close().then(() => proc.exit(0));
	};
	proc.on('SIGINT', stop);
	proc.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: Error) => {
		// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- CLI entry point: reports a bad start
		process.stderr.write(`${error.message}\n`);
		// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- CLI entry point: exit code
		process.exitCode = 1;
	});
}
