// n8n's verification scan (@n8n/scan-community-package analyzePackage) on the packed package and on the source
// tree, as scripts/n8n/scan.mjs runs it (also run by jest: test/scan.test.ts). The second test proves the scan
// reports a violation, so a clean result means something.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { extractTgz, packPackage } from '../../scripts/n8n/runtime.mjs';
import { scanPackage } from '../../scripts/n8n/scan.mjs';

test('the packed tarball and the source tree pass the scan (no error-severity finding)', async () => {
	const result = await scanPackage({ tgz: process.env.E2E_TGZ });
	assert.equal(result.source.passed, true, `${result.source.message}\n${result.source.details ?? ''}`);
	assert.equal(result.tarball.passed, true, `${result.tarball.message}\n${result.tarball.details ?? ''}`);
});

test('the same scan fails a tarball with a runtime dependency and a node that logs to the console', async () => {
	const { analyzePackage } = await import(pathToFileURL(path.join(REPO_ROOT, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs')).href);
	const dir = mkdtempSync(path.join(os.tmpdir(), 'agile-scan-bad-'));
	try {
		extractTgz(process.env.E2E_TGZ ?? (await packPackage({ build: false })), dir);
		const pkgFile = path.join(dir, 'package.json');
		writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(readFileSync(pkgFile, 'utf8')), dependencies: { axios: '1.0.0' } }, null, 2));
		const node = path.join(dir, 'dist/nodes/AgileTelecom/AgileTelecom.node.js');
		writeFileSync(node, `${readFileSync(node, 'utf8')}\nconsole.log('debug');\n`);
		const result = await analyzePackage(dir, ['**/*.js', 'package.json']);
		assert.equal(result.passed, false);
		assert.match(result.details, /no-runtime-dependencies/);
		assert.match(result.details, /no-console/);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
