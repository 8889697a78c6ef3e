// Access to the project's Agile Telecom sandbox (test/sandbox, TypeScript) from plain .mjs scripts.
// The sandbox is compiled by `npm run build:dev` (tsc -p test/tsconfig.json → .cache/dev-dist) and used either
// in-process (startSandbox: full control API, recorded requests) or as a child process (cli.js, one JSON line).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { REPO_ROOT } from './paths.mjs';

export const DEV_DIST = path.join(REPO_ROOT, '.cache', 'dev-dist');
const SANDBOX_SRC = path.join(REPO_ROOT, 'test', 'sandbox');
const SANDBOX_JS = path.join(DEV_DIST, 'test', 'sandbox', 'server.js');
const SANDBOX_CLI = path.join(DEV_DIST, 'test', 'sandbox', 'cli.js');

function newestMtime(dir) {
	let newest = 0;
	for (const f of readdirSync(dir)) {
		const s = statSync(path.join(dir, f));
		newest = Math.max(newest, s.isDirectory() ? newestMtime(path.join(dir, f)) : s.mtimeMs);
	}
	return newest;
}

/** Runs `npm run build:dev` when the compiled sandbox is missing or older than test/sandbox/*.ts. */
export function ensureSandboxBuilt({ force = false } = {}) {
	const stale = !existsSync(SANDBOX_JS) || !existsSync(SANDBOX_CLI) || statSync(SANDBOX_JS).mtimeMs < newestMtime(SANDBOX_SRC);
	if (!force && !stale) return;
	const r = spawnSync('npm', ['run', 'build:dev'], { cwd: REPO_ROOT, encoding: 'utf8' });
	// tsc still emits when other files of the project have type errors; what matters is the sandbox output.
	if (!existsSync(SANDBOX_JS)) throw new Error(`npm run build:dev did not produce ${SANDBOX_JS}:\n${r.stdout}\n${r.stderr}`);
	if (r.status !== 0) {
		process.stderr.write(`[sandbox] npm run build:dev reported errors (sandbox compiled anyway):\n${(r.stdout + r.stderr).slice(-2000)}\n`);
	}
}

/**
 * Starts the sandbox in this process (see test/sandbox/server.ts `SandboxOptions` and `Sandbox`):
 * `{ url, port, requests, requestsTo(), stats, injectFaults(), configure(), reset(), close() … }`.
 */
export async function startSandbox(options = {}) {
	ensureSandboxBuilt();
	const require = createRequire(import.meta.url);
	const { startSandbox: start } = require(SANDBOX_JS);
	return start(options);
}

/**
 * Starts the sandbox as a child process (`node .cache/dev-dist/test/sandbox/cli.js --port 0 …flags`) and
 * resolves with its announcement `{ url, port, apiKeys, basic }` plus `stop()`.
 */
export async function startSandboxProcess(flags = []) {
	ensureSandboxBuilt();
	const child = spawn(process.execPath, [SANDBOX_CLI, '--port', '0', ...flags], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stderr.on('data', (c) => (err += c));
	const info = await new Promise((resolve, reject) => {
		child.stdout.on('data', (c) => {
			out += c;
			const nl = out.indexOf('\n');
			if (nl >= 0) {
				try {
					resolve(JSON.parse(out.slice(0, nl)));
				} catch (e) {
					reject(e);
				}
			}
		});
		child.on('close', (code) => reject(new Error(`sandbox exited (${code}) before announcing itself: ${err}`)));
	});
	return {
		...info,
		process: child,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('close', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}
