// n8n's own verification scan (@n8n/scan-community-package), run offline on this repository.
// The published scanner needs an npm provenance attestation and downloads the attested GitHub commit; both legs
// of its lint are the exported analyzePackage(), which is called here the same way the scanner does:
//   source leg:  package.json + {nodes,credentials}/**/*.{js,ts,json} of the repository (SOURCE_FILE_PATTERNS)
//   tarball leg: **/*.js + package.json of the `npm pack` output
// Inline eslint-disable comments are ignored by the scanner (allowInlineConfig: false), so a rule silenced that way
// under `n8n-node lint` still fails here.
//
//   node scripts/n8n/scan.mjs [--tgz path] [--json]     exit 0 = clean, 1 = error-severity findings
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO_ROOT } from './paths.mjs';
import { extractTgz, packPackage } from './runtime.mjs';

async function scanner() {
	// eslint-plugin-n8n-nodes-base reads NODE_ENV=test (which jest sets) as "running my own unit tests" and then checks
	// made-up file names: every node file would fail node-filename-against-convention. It reads it at load time.
	if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
	// The package has no "exports" map: its scanner module is reached by path.
	const file = path.join(REPO_ROOT, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
	return import(pathToFileURL(file).href);
}

/**
 * Scans the source tree and a packed tarball (packed from dist/ unless `tgz` is given).
 * @returns {Promise<{ passed: boolean, source: object, tarball: object, tgz: string, ms: number }>}
 */
export async function scanPackage({ tgz } = {}) {
	const started = Date.now();
	const { analyzePackage, SOURCE_FILE_PATTERNS } = await scanner();
	const tarball = tgz ?? (await packPackage({ build: false }));
	const dir = mkdtempSync(path.join(os.tmpdir(), 'agile-scan-'));
	try {
		extractTgz(tarball, dir);
		const source = await analyzePackage(REPO_ROOT, SOURCE_FILE_PATTERNS);
		const packed = await analyzePackage(dir, ['**/*.js', 'package.json']);
		return { passed: source.passed && packed.passed, source, tarball: packed, tgz: tarball, ms: Date.now() - started };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function describe(leg, result) {
	if (result.passed) return `${leg}: passed${result.message ? ` (${result.message})` : ''}`;
	return `${leg}: FAILED — ${result.message}\n${result.details ?? result.error?.stack ?? ''}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const args = process.argv.slice(2);
	const tgzAt = args.indexOf('--tgz');
	const result = await scanPackage({ tgz: tgzAt >= 0 ? path.resolve(args[tgzAt + 1]) : undefined });
	if (args.includes('--json')) {
		const strip = ({ error, ...r }) => ({ ...r, error: error?.message });
		console.log(JSON.stringify({ passed: result.passed, ms: result.ms, source: strip(result.source), tarball: strip(result.tarball) }));
	} else {
		console.log(describe('source (package.json, nodes/, credentials/)', result.source));
		console.log(describe(`tarball (${path.basename(result.tgz)})`, result.tarball));
		console.log(`scan ${result.passed ? 'clean' : 'FAILED'} in ${(result.ms / 1000).toFixed(1)} s`);
	}
	process.exitCode = result.passed ? 0 : 1;
}
