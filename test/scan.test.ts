// n8n's verification scan (@n8n/scan-community-package analyzePackage, both legs) on the source tree and on the
// `npm pack` output of dist/. `npm test` builds before jest, so dist/ is current here. The scanner is ESM and is
// run through scripts/n8n/scan.mjs; test/e2e/scan.test.mjs proves the same wiring reports a violation.
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports
import { spawnSync } from 'child_process';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports
import * as path from 'path';

interface LegResult {
	passed: boolean;
	message?: string;
	details?: string;
	error?: string;
}

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- a test locates the repository it checks
const repoRoot = path.resolve(__dirname, '..');

test('the source tree and the packed tarball pass n8n community package scan', () => {
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- the scanner is ESM: it runs in its own node
	const run = spawnSync('node', [path.join(repoRoot, 'scripts', 'n8n', 'scan.mjs'), '--json'], {
		cwd: repoRoot,
		encoding: 'utf8',
		timeout: 120_000,
	});
	const line = run.stdout.trim().split('\n').pop() ?? '';
	const result = JSON.parse(line) as { passed: boolean; source: LegResult; tarball: LegResult };
	// The findings, not just a boolean, so a failure says which rule and file.
	expect({ source: result.source, tarball: result.tarball }).toEqual({
		source: { passed: true },
		tarball: { passed: true },
	});
	expect(run.status).toBe(0);
}, 120_000);
