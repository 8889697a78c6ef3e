/**
 * The GitHub workflows cannot run here, so their essentials are checked as data: what triggers them, which
 * permissions they get, which Node they use, that every npm command they run exists in package.json, and that a
 * release is built, tested and published with provenance through trusted publishing (no token).
 */
import { parse } from 'yaml';

import { packageJson, readRepoFile } from './repo';

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
	if?: string;
}

interface Job {
	'runs-on'?: string;
	needs?: string | string[];
	uses?: string;
	permissions?: Record<string, string>;
	environment?: string;
	strategy?: { matrix?: Record<string, unknown> };
	env?: Record<string, string>;
	steps?: Step[];
}

interface Workflow {
	name: string;
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(readRepoFile(`.github/workflows/${file}`)) as Workflow;
const ci = workflow('ci.yml');
const publish = workflow('publish.yml');
const scripts = packageJson().scripts;
const supported = JSON.parse(readRepoFile('scripts/n8n/versions.json')) as { default: string; versions: Record<string, unknown> };

const steps = (job: Job) => job.steps ?? [];
const runs = (job: Job) => steps(job).flatMap((s) => (s.run ? s.run.split('\n').map((l) => l.trim()).filter(Boolean) : []));
const setupNode = (job: Job) => steps(job).find((s) => s.uses?.startsWith('actions/setup-node@'));
const indexOfRun = (job: Job, pattern: RegExp) => steps(job).findIndex((s) => s.run !== undefined && pattern.test(s.run));

/**
 * GitHub's filter pattern syntax, as far as these files use it: `*` is any run of characters but `/`, `[0-9]` a
 * range, `+` one or more of what precedes it; everything else, `.` included, is literal.
 */
function filterMatches(pattern: string, ref: string): boolean {
	const regex = pattern.replace(/\[[^\]]*\]\+?|\*|[^[*]/g, (token) =>
		token === '*' ? '[^/]*' : token.startsWith('[') ? token : token.replace(/[.+?^${}()|\\]/g, '\\$&'),
	);
	return new RegExp(`^${regex}$`).test(ref);
}

/** The npm commands a line runs: `npm test`, `npm run <script>`, `npm install …`, `npm publish …`. */
function npmCommands(line: string): string[][] {
	return line
		.split(/&&|\|\||;/)
		.map((part) => part.trim().split(/\s+/))
		.filter((words) => words[0] === 'npm');
}

describe.each([
	['ci.yml', ci],
	['publish.yml', publish],
])('%s', (_file, wf) => {
	it('every npm script it runs exists in package.json', () => {
		const named = Object.values(wf.jobs)
			.flatMap(runs)
			.flatMap(npmCommands)
			.flatMap((words) => (words[1] === 'test' ? ['test'] : words[1] === 'run' ? [words[2]] : []));
		expect(named.length).toBeGreaterThan(0);
		for (const script of named) expect(Object.keys(scripts)).toContain(script);
	});

	it('every action is pinned to a major version', () => {
		for (const job of Object.values(wf.jobs)) {
			for (const step of steps(job)) if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
		}
	});
});

describe('ci.yml', () => {
	it('runs on every push to main, every pull request, and when publish.yml calls it', () => {
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
		expect(ci.on.push).toEqual({ branches: ['main'] });
		expect(ci.permissions).toEqual({ contents: 'read' });
	});

	it("runs the README's install and test commands on Node 20", () => {
		const readme = readRepoFile('README.md');
		const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
		expect(firstBlock).toMatch(/^npm install\b/m);
		expect(firstBlock).toMatch(/^npm test\b/m);

		const { test } = ci.jobs;
		expect(setupNode(test)?.with?.['node-version']).toBe(20);
		const install = indexOfRun(test, /^npm install\b/);
		const npmTest = indexOfRun(test, /^npm test$/);
		expect(install).toBeGreaterThan(-1);
		expect(npmTest).toBeGreaterThan(install);
		// `npm test` is lint + build + typecheck + jest, this file's own test included.
		expect(scripts.test).toBe('npm run lint && npm run build && npm run typecheck && jest');
	});

	describe('end-to-end job', () => {
		const e2e = ci.jobs.e2e;

		it('runs test:e2e after the unit tests, on Node 20, once per supported n8n version', () => {
			expect(e2e.needs).toBe('test');
			expect(setupNode(e2e)?.with?.['node-version']).toBe(20);
			expect([...(e2e.strategy?.matrix?.n8n as string[])].sort()).toEqual(Object.keys(supported.versions).sort());
			expect(e2e.strategy?.matrix?.n8n).toContain(supported.default);
			expect(e2e.env?.N8N_VERSION).toBe('${{ matrix.n8n }}');
			expect(indexOfRun(e2e, /^npm run test:e2e$/)).toBeGreaterThan(indexOfRun(e2e, /^npm install\b/));
		});

		it('caches the n8n runtime folder of each version between runs', () => {
			const runtimeDir = /AGILE_N8N_RUNTIME_DIR=([^"\s]+)/.exec(runs(e2e).join('\n'))?.[1];
			expect(runtimeDir).toBe('$HOME/.cache/n8n-nodes-agiletelecom/n8n-runtime');
			const cache = steps(e2e).find((s) => s.uses?.startsWith('actions/cache@'));
			const cached = String(cache?.with?.path).replace(/^~/, '$HOME');
			// Another version lives next to the default one (`<folder>-<version>`, scripts/n8n/paths.mjs): both inside.
			expect(`${runtimeDir}-1.123.81`.startsWith(`${cached}/`)).toBe(true);
			expect(runtimeDir?.startsWith(`${cached}/`)).toBe(true);
			expect(String(cache?.with?.key)).toContain('${{ matrix.n8n }}');
			expect(String(cache?.with?.key)).toContain("hashFiles('scripts/n8n/paths.mjs', 'scripts/n8n/install.mjs')");
			expect(steps(e2e).indexOf(cache as Step)).toBeLessThan(indexOfRun(e2e, /^npm run test:e2e$/));
		});
	});
});

describe('publish.yml', () => {
	const job = publish.jobs.publish;

	it('runs only for version tags', () => {
		expect(Object.keys(publish.on)).toEqual(['push']);
		const { tags, branches } = publish.on.push as { tags: string[]; branches?: string[] };
		expect(branches).toBeUndefined();
		const matches = (ref: string) => tags.some((pattern) => filterMatches(pattern, ref));
		expect(['v0.1.0', 'v1.2.3', 'v10.20.30'].filter(matches)).toEqual(['v0.1.0', 'v1.2.3', 'v10.20.30']);
		// A prerelease would need its own npm dist-tag; a bare number is not this project's tag form.
		expect(['0.1.0', 'main', 'v1', 'v1.2', 'v1.2.3-rc.1', 'v1x2x3'].filter(matches)).toEqual([]);
	});

	it('publishes only after the whole CI workflow passed', () => {
		expect(publish.jobs.ci.uses).toBe('./.github/workflows/ci.yml');
		expect(job.needs).toBe('ci');
	});

	it('grants the OIDC token to the publish job alone, and nothing else that writes', () => {
		expect(publish.permissions).toEqual({});
		expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(publish.jobs.ci.permissions).toEqual({ contents: 'read' });
		expect(job.environment).toBe('npm');
	});

	it('uses no long-lived npm token', () => {
		const text = readRepoFile('.github/workflows/publish.yml');
		expect(text).not.toMatch(/secrets\./);
		expect(text).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN/);
	});

	it('checks the tag, the changelog and the repository, then installs, tests and publishes with provenance', () => {
		const order = [
			/GITHUB_REF_NAME/,
			/CHANGELOG\.md/,
			/GITHUB_REPOSITORY/,
			/^npm install --no-audit/,
			/^npm test$/,
			/^npm publish --provenance --access public$/,
		].map((pattern) => indexOfRun(job, pattern));
		expect(order.every((index) => index > -1)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(order[order.length - 1]).toBe(steps(job).length - 1);
	});

	it('publishes with an npm that supports trusted publishing (>= 11.5.1) on Node >= 22.14', () => {
		expect(Number(setupNode(job)?.with?.['node-version'])).toBeGreaterThanOrEqual(24);
		expect(setupNode(job)?.with?.['registry-url']).toBe('https://registry.npmjs.org');
		expect(runs(job)).toContain('npm install -g npm@^11.5.1 && npm --version');
		expect(indexOfRun(job, /npm@\^11\.5\.1/)).toBeLessThan(indexOfRun(job, /^npm publish/));
	});

	it('says how to set up trusted publishing on npm, for this very file', () => {
		const text = readRepoFile('.github/workflows/publish.yml');
		expect(text).toMatch(/Trusted publishing/);
		expect(text).toMatch(/Workflow filename: publish\.yml/);
		expect(text).toMatch(new RegExp(`Environment name: ${job.environment}\\b`));
	});
});
