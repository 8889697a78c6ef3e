// Helpers to run this package inside a REAL n8n (the runtime installed by scripts/n8n/install.mjs), headlessly.
// Plain Node.js (built-ins only). Used by scripts/n8n/run.mjs, the demo and test/e2e.
//
//   const pkg = await packPackage();                       // npm pack of this repo (after `npm run build`)
//   const n8n = await createInstance({ packageTgz: pkg });  // temp N8N_USER_FOLDER with the package installed
//   await n8n.importCredentials([{ id, name, type: 'agileTelecomApi', data: { ... } }]);
//   await n8n.importWorkflows([workflowJson]);
//   const result = await n8n.execute(workflowJson.id);    // { ok, exitCode, run, stdout, stderr, ms }
//   const server = await n8n.start();                      // `n8n start` on 127.0.0.1, resolved when ready
//   await server.setupOwner();                             // POST /rest/owner/setup, keeps the auth cookie
//   await server.testCredential({ id, name, type, data }); // POST /rest/credentials/test → { status, message }
//   await server.activateWorkflow(id);                     // publish as the editor does (webhooks follow in the background)
//   await server.stop(); await n8n.dispose();
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { ensureRuntime } from './install.mjs';
import { cleanEnv, PACKAGE_NAME, REPO_ROOT, RUNTIME_DIR } from './paths.mjs';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** 16 characters [A-Za-z0-9], the id shape n8n itself generates for workflows and credentials. */
export function n8nId(prefix = '') {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let id = prefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
	const bytes = randomBytes(16);
	for (let i = 0; id.length < 16; i++) id += alphabet[bytes[i] % alphabet.length];
	return id;
}

/**
 * Runs a command and collects its output. `stdoutFile`: the child writes its stdout into that file instead of a
 * pipe (read back and deleted at the end). n8n ends `execute` with process.exit(), which cuts off whatever of a
 * large --rawOutput JSON is still queued for a pipe; writes to a file are synchronous and complete.
 */
function run(cmd, args, { cwd, env, timeoutMs = 10 * 60_000, input, stdoutFile } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const stdoutFd = stdoutFile ? openSync(stdoutFile, 'w') : undefined;
		const child = spawn(cmd, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', stdoutFd ?? 'pipe', 'pipe'] });
		if (stdoutFd !== undefined) closeSync(stdoutFd);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		if (input !== undefined) child.stdin.end(input);
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			stderr += `\n[runtime.mjs] killed after ${timeoutMs} ms`;
		}, timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const ms = Date.now() - started;
			if (stdoutFile) {
				stdout = readFileSync(stdoutFile, 'utf8');
				rmSync(stdoutFile, { force: true });
			}
			resolve({ exitCode: code, signal, stdout, stderr, ms });
		});
	});
}

/**
 * `npm pack` of this repository into `destDir` (default: a temp folder removed when this process exits). Runs `npm run build` first when
 * `build` is true. Returns the .tgz path. Uses the machine's Node/npm (the repo's own toolchain).
 */
export async function packPackage({ build = false, destDir } = {}) {
	const dest = destDir ?? mkdtempSync(path.join(os.tmpdir(), 'agile-pack-'));
	// A temp folder of ours goes away with this process (the tarball is extracted into the instance anyway).
	if (!destDir) process.once('exit', () => rmSync(dest, { recursive: true, force: true }));
	mkdirSync(dest, { recursive: true });
	const env = { ...process.env };
	if (build) {
		const b = await run('npm', ['run', 'build'], { cwd: REPO_ROOT, env });
		if (b.exitCode !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
	}
	if (!existsSync(path.join(REPO_ROOT, 'dist'))) throw new Error('dist/ does not exist: run `npm run build` first');
	const p = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: REPO_ROOT, env });
	if (p.exitCode !== 0) throw new Error(`npm pack failed:\n${p.stdout}\n${p.stderr}`);
	const info = JSON.parse(p.stdout.slice(p.stdout.indexOf('[')));
	return path.join(dest, info[0].filename);
}

/**
 * Extracts an npm tarball (.tgz, entries under `package/`) into `destDir`. Handles regular files, folders,
 * pax (`x`) and GNU long-name (`L`) headers, which is all `npm pack` writes.
 */
export function extractTgz(tgzPath, destDir) {
	const buf = gunzipSync(readFileSync(tgzPath));
	const str = (b, s, e) => b.toString('utf8', s, e).replace(/\0.*$/s, '');
	let offset = 0;
	let longName = null;
	let files = 0;
	while (offset + 512 <= buf.length) {
		const header = buf.subarray(offset, offset + 512);
		if (header.every((b) => b === 0)) break;
		const size = Number.parseInt(str(header, 124, 136).trim() || '0', 8);
		const type = String.fromCharCode(header[156] || 48);
		const prefix = str(header, 345, 500);
		let name = longName ?? (prefix ? `${prefix}/${str(header, 0, 100)}` : str(header, 0, 100));
		const body = buf.subarray(offset + 512, offset + 512 + size);
		offset += 512 + Math.ceil(size / 512) * 512;
		if (type === 'x' || type === 'g') {
			const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
			longName = type === 'x' && m ? m[1] : null;
			continue;
		}
		if (type === 'L') {
			longName = body.toString('utf8').replace(/\0.*$/s, '');
			continue;
		}
		longName = null;
		name = name.replace(/^[^/]+\//, ''); // strip `package/`
		const target = path.resolve(destDir, name);
		if (!target.startsWith(path.resolve(destDir) + path.sep)) throw new Error(`unsafe path in tarball: ${name}`);
		if (type === '5') mkdirSync(target, { recursive: true });
		else if (type === '0' || type === '7') {
			mkdirSync(path.dirname(target), { recursive: true });
			writeFileSync(target, body);
			files++;
		}
	}
	return files;
}

/** Finds the outermost JSON object in n8n's stdout (log lines before and after it), or null. */
export function extractJson(stdout) {
	let start = 0;
	for (const line of stdout.split('\n')) {
		const lineStart = start;
		start += line.length + 1;
		if (!line.startsWith('{')) continue;
		const end = matchingBrace(stdout, lineStart);
		if (end < 0) continue;
		try {
			return JSON.parse(stdout.slice(lineStart, end + 1));
		} catch {
			/* not the run JSON; keep looking */
		}
	}
	return null;
}

function matchingBrace(text, start) {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{' || c === '[') depth++;
		else if (c === '}' || c === ']') {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}

/**
 * Output items of `nodeName` in an execution's run JSON (first run, first output unless told), as plain `json`.
 * @returns {Array<object>|undefined}
 */
export function nodeOutput(run, nodeName, { runIndex = 0, output = 0 } = {}) {
	const items = run?.data?.resultData?.runData?.[nodeName]?.[runIndex]?.data?.main?.[output];
	return items?.map((i) => i.json);
}

/** The error n8n recorded for a run (or for one node), if any. */
export function runError(run, nodeName) {
	if (nodeName) return run?.data?.resultData?.runData?.[nodeName]?.[0]?.error;
	return run?.data?.resultData?.error;
}

/** Environment shared by every n8n process started here (the instance adds its folder and ports). */
function baseEnv(runtime, userFolder) {
	return cleanEnv({
		PATH: `${path.dirname(runtime.nodeBinary)}${path.delimiter}${process.env.PATH}`,
		HOME: userFolder,
		N8N_USER_FOLDER: userFolder,
		N8N_RUNNERS_ENABLED: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// `execute --rawOutput` prints the run JSON through the logger: below `info` nothing is printed.
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
	});
}

const TEMPLATE_DIR = path.join(RUNTIME_DIR, 'template-user-folder');

/**
 * A migrated, empty SQLite database + instance config (encryption key), made once per runtime: a new instance
 * copies it instead of running n8n's ~300 migrations again (≈5 s saved per instance).
 */
async function ensureTemplate(runtime) {
	if (existsSync(path.join(TEMPLATE_DIR, 'config'))) return TEMPLATE_DIR;
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'n8n-template-'));
	try {
		const env = { ...baseEnv(runtime, scratch), N8N_PORT: String(await freePort()), N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		const r = await run(runtime.nodeBinary, [runtime.n8nBin, 'list:workflow'], { cwd: scratch, env });
		const n8nDir = path.join(scratch, '.n8n');
		if (r.exitCode !== 0 || !existsSync(path.join(n8nDir, 'config'))) {
			throw new Error(`could not initialise an n8n database (exit ${r.exitCode}):\n${tailOf(r)}`);
		}
		const staging = `${TEMPLATE_DIR}.${process.pid}`;
		rmSync(staging, { recursive: true, force: true });
		mkdirSync(staging, { recursive: true });
		for (const f of readdirSync(n8nDir)) {
			if (f === 'config' || f === 'database.sqlite' || f === 'database.sqlite-wal') copyFileSync(path.join(n8nDir, f), path.join(staging, f));
		}
		try {
			renameSync(staging, TEMPLATE_DIR);
		} catch {
			rmSync(staging, { recursive: true, force: true }); // another process made it first
		}
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
	return TEMPLATE_DIR;
}

/**
 * A fresh n8n "instance": a temp N8N_USER_FOLDER (SQLite database, encryption key) with this package installed
 * under its real name in <userFolder>/.n8n/nodes/node_modules/<name>, so its node type is
 * `n8n-nodes-agiletelecom.agileTelecom`. Every CLI call boots n8n in that folder.
 *
 * @param {{ packageTgz?: string, packageDir?: string, userFolder?: string, env?: Record<string,string>,
 *           keep?: boolean, template?: boolean }} options
 *   template: false = let n8n create and migrate its database itself (slower).
 *   env: extra/overriding environment variables for every n8n process of the instance.
 */
export async function createInstance(options = {}) {
	const runtime = await ensureRuntime({ quiet: true });
	const userFolder = options.userFolder ?? mkdtempSync(path.join(os.tmpdir(), 'n8n-agile-'));
	const n8nDir = path.join(userFolder, '.n8n');
	const pkgDir = path.join(n8nDir, 'nodes', 'node_modules', PACKAGE_NAME);
	mkdirSync(pkgDir, { recursive: true });
	if (!existsSync(path.join(n8nDir, 'config')) && options.template !== false) {
		// Migrated database and its encryption key (the key must match the database, so it is not set in env).
		cpSync(await ensureTemplate(runtime), n8nDir, { recursive: true });
	}
	// The nodes folder is an npm project of its own in a real install; n8n lists its node_modules.
	const nodesPkg = path.join(n8nDir, 'nodes', 'package.json');
	if (!existsSync(nodesPkg)) {
		writeFileSync(nodesPkg, `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`);
	}
	if (options.packageTgz) {
		rmSync(pkgDir, { recursive: true, force: true });
		mkdirSync(pkgDir, { recursive: true });
		extractTgz(options.packageTgz, pkgDir);
	} else if (options.packageDir) {
		rmSync(pkgDir, { recursive: true, force: true });
		cpSync(options.packageDir, pkgDir, { recursive: true });
	}
	if (existsSync(path.join(pkgDir, 'package.json'))) {
		const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
		const nodes = JSON.parse(readFileSync(nodesPkg, 'utf8'));
		nodes.dependencies[pkg.name] = pkg.version;
		writeFileSync(nodesPkg, `${JSON.stringify(nodes, null, 2)}\n`);
	}

	const port = await freePort();
	const brokerPort = await freePort();
	const env = {
		...baseEnv(runtime, userFolder),
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		...options.env,
	};

	/** Runs `n8n <args>` in the instance (cwd = user folder, so no project .env is read). */
	const cli = (args, opts = {}) =>
		run(runtime.nodeBinary, [runtime.n8nBin, ...args], { cwd: userFolder, env, ...opts });

	const instance = {
		userFolder,
		packageDir: pkgDir,
		port,
		brokerPort,
		env,
		runtime,
		cli,

		/** Imports credentials given as plain objects: { id, name, type, data: { ...fields } }. */
		async importCredentials(credentials) {
			const list = credentials.map((c) => ({ ...c, id: c.id ?? n8nId('cred') }));
			const file = path.join(userFolder, `credentials-${Date.now()}.json`);
			writeFileSync(file, JSON.stringify(list, null, 2));
			const r = await cli(['import:credentials', `--input=${file}`]);
			if (r.exitCode !== 0 || !/Successfully imported/i.test(r.stdout + r.stderr)) {
				throw new Error(`import:credentials failed (exit ${r.exitCode}):\n${tailOf(r)}`);
			}
			return list;
		},

		/** Imports workflow objects (ids added when missing; 16 characters). Returns them with their ids. */
		async importWorkflows(workflows) {
			const list = workflows.map((w) => ({ active: false, settings: {}, connections: {}, ...w, id: w.id ?? n8nId('wf') }));
			const file = path.join(userFolder, `workflows-${Date.now()}.json`);
			writeFileSync(file, JSON.stringify(list, null, 2));
			const r = await cli(['import:workflow', `--input=${file}`]);
			if (r.exitCode !== 0 || !/Successfully imported/i.test(r.stdout + r.stderr)) {
				throw new Error(`import:workflow failed (exit ${r.exitCode}):\n${tailOf(r)}`);
			}
			return list;
		},

		/**
		 * `n8n execute --id=<id> --rawOutput`. Resolves (never rejects on a failed run) with
		 * { ok, exitCode, signal, run, error, stdout, stderr, ms }; `run` is the execution JSON (null if none was printed).
		 * largeOutput: stdout goes through a file, so a run JSON of many megabytes arrives whole (see run()).
		 */
		async execute(workflowId, { timeoutMs = 5 * 60_000, largeOutput = false } = {}) {
			const stdoutFile = largeOutput ? path.join(userFolder, `execute-${workflowId}-${Date.now()}.out`) : undefined;
			const r = await cli(['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs, stdoutFile });
			const runJson = extractJson(r.stdout);
			const error = runError(runJson);
			return { ok: r.exitCode === 0 && !error, exitCode: r.exitCode, signal: r.signal, run: runJson, error, stdout: r.stdout, stderr: r.stderr, ms: r.ms };
		},

		/** `n8n start`; resolves when the REST API answers. See startServer(). */
		start(opts) {
			return startServer(instance, opts);
		},

		/** Deletes the temp user folder (unless options.keep). */
		async dispose() {
			if (!options.keep && !options.userFolder) rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return instance;
}

function tailOf(r, n = 3000) {
	return `${r.stdout}\n${r.stderr}`.trim().slice(-n);
}

/**
 * Starts `n8n start` for an instance and waits until `GET /healthz/readiness` answers 200 and the REST API
 * (`/rest/settings`) answers. Returns a server handle with fetch helpers that keep the auth cookie.
 */
export async function startServer(instance, { timeoutMs = 120_000, onLog } = {}) {
	const started = Date.now();
	const child = spawn(instance.runtime.nodeBinary, [instance.runtime.n8nBin, 'start'], {
		cwd: instance.userFolder,
		env: instance.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	const collect = (c) => {
		log += c;
		if (log.length > 200_000) log = log.slice(-100_000);
		onLog?.(c.toString());
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	let exited = null;
	const exitPromise = new Promise((resolve) => child.on('close', (code, signal) => resolve((exited = { code, signal }))));

	const baseUrl = `http://127.0.0.1:${instance.port}`;
	const browserId = n8nId('browser');
	let cookie = '';

	async function request(method, urlPath, body) {
		const headers = { 'browser-id': browserId, accept: 'application/json' };
		if (cookie) headers.cookie = cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(baseUrl + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const setCookie = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const pair = c.split(';')[0];
			if (pair.startsWith('n8n-auth=')) cookie = pair;
		}
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: res.status, json, text };
	}

	const server = {
		baseUrl,
		process: child,
		get log() {
			return log;
		},
		readyMs: 0,
		request,

		/** POST /rest/owner/setup; the returned auth cookie is kept for later requests. */
		async setupOwner(owner = {}) {
			const body = {
				email: 'owner@example.com',
				firstName: 'Demo',
				lastName: 'Owner',
				password: 'Passw0rd-Demo-123',
				...owner,
			};
			const r = await request('POST', '/rest/owner/setup', body);
			if (r.status !== 200 || !cookie) throw new Error(`owner setup failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
			return r.json?.data;
		},

		/**
		 * POST /rest/credentials/test with what the editor sends ({ credentials: { id, name, type, data } }).
		 * Resolves with n8n's answer { status: 'OK' | 'Error', message }.
		 */
		async testCredential(credential) {
			const r = await request('POST', '/rest/credentials/test', {
				credentials: { id: credential.id ?? n8nId('cred'), name: credential.name ?? 'test', type: credential.type, data: credential.data },
			});
			if (r.status !== 200) throw new Error(`credential test request failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
			return r.json?.data ?? r.json;
		},

		/**
		 * Publishes (activates) a workflow as the editor does: `POST /rest/workflows/:id/activate` with its current
		 * versionId. Resolves with { status, json, text }; n8n registers the triggers' webhooks in the background
		 * after answering, so wait for their effect (e.g. the production URL answering) before using them.
		 */
		async activateWorkflow(workflowId) {
			const current = await request('GET', `/rest/workflows/${workflowId}`);
			if (current.status !== 200) throw new Error(`GET workflow ${workflowId} failed: HTTP ${current.status} ${current.text.slice(0, 500)}`);
			return await request('POST', `/rest/workflows/${workflowId}/activate`, { versionId: current.json.data.versionId });
		},

		/** Unpublishes (deactivates) a workflow: `POST /rest/workflows/:id/deactivate`. Webhooks go in the background too. */
		async deactivateWorkflow(workflowId) {
			return await request('POST', `/rest/workflows/${workflowId}/deactivate`, {});
		},

		/**
		 * The editor's "Listen for test event" on a trigger: `POST /rest/workflows/:id/run` with `triggerToStartFrom`.
		 * n8n answers `{ data: { waitingForWebhook: true } }` once the test webhook is registered, or the error of the
		 * trigger's registration (checkExists/create in mode 'manual').
		 */
		async listenForTestEvent(workflowId, triggerName) {
			const body = { triggerToStartFrom: { name: triggerName } };
			// n8n 1.x runs the workflow sent in the body; 2.x reads it from its database.
			if (instance.runtime.n8nVersion.startsWith('1.')) {
				const stored = await request('GET', `/rest/workflows/${workflowId}`);
				body.workflowData = stored.json.data;
			}
			return await request('POST', `/rest/workflows/${workflowId}/run`, body);
		},

		/** Stops listening for a test event (the editor's Stop): `DELETE /rest/test-webhook/:id`. */
		async stopListening(workflowId) {
			return await request('DELETE', `/rest/test-webhook/${workflowId}`);
		},

		/** How many executions n8n stored for a workflow (`GET /rest/executions`, counted server-side). */
		async executionCount(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const r = await request('GET', `/rest/executions?filter=${filter}`);
			if (r.status !== 200) throw new Error(`GET executions failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
			return r.json.data.count;
		},

		/** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit { code, signal }. */
		async stop(graceMs = 10_000) {
			if (exited) return exited;
			child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
			const r = await exitPromise;
			clearTimeout(t);
			return r;
		},
	};

	// Wait until ready (or the process dies, or the timeout).
	for (;;) {
		if (exited) throw new Error(`n8n start exited (${JSON.stringify(exited)}) before it was ready:\n${log.slice(-4000)}`);
		if (Date.now() - started > timeoutMs) {
			await server.stop();
			throw new Error(`n8n start was not ready after ${timeoutMs} ms:\n${log.slice(-4000)}`);
		}
		try {
			const ready = await fetch(`${baseUrl}/healthz/readiness`);
			if (ready.status === 200) {
				const settings = await fetch(`${baseUrl}/rest/settings`);
				if (settings.status === 200) break;
			}
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	server.readyMs = Date.now() - started;
	return server;
}
