/**
 * n8n's verification compares the npm package, its repository and its author, and npm's provenance check compares
 * package.json `repository` with the repository that built the package. So the project names one GitHub
 * repository, in one form, everywhere: package.json `repository` is the reference and everything else must agree.
 * To move the project, change `repository.url`; this test then lists every other place to change.
 */
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- the test runs `npm pack --dry-run`
import { spawnSync } from 'child_process';

import { listRepoFiles, packageJson, readRepoFile, repoRoot } from './repo';

const pkg = packageJson();
const repositoryUrl = /^git\+https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\.git$/.exec(pkg.repository?.url ?? '');
const [owner, repo] = [repositoryUrl?.[1] ?? '', repositoryUrl?.[2] ?? ''];
const projectUrl = `https://github.com/${owner}/${repo}`;

/** Files that link to the project: docs, workflows, the codex files and the credential's documentation link. */
const LINKING_FILES = [
	'README.md',
	'CONTRIBUTING.md',
	'CHANGELOG.md',
	'scripts/n8n/README.md',
	...listRepoFiles('.github/workflows', '.yml'),
	...listRepoFiles('credentials', '.ts'),
	...listRepoFiles('nodes', '.node.json'),
];

/** Every `github.com/<owner>/<repo>` that names a repository of this package, per file. */
function projectLinks(): Array<{ file: string; link: string }> {
	return LINKING_FILES.flatMap((file) =>
		[...readRepoFile(file).matchAll(/github\.com\/([\w.-]+)\/([\w.-]*agiletelecom[\w.-]*)/gi)].map((m) => ({
			file,
			link: `${m[1]}/${m[2].replace(/\.git$/, '')}`,
		})),
	);
}

describe('one GitHub repository everywhere', () => {
	it('package.json repository is a GitHub git+https URL', () => {
		expect(pkg.repository).toEqual({ type: 'git', url: `git+${projectUrl}.git` });
		expect(owner).not.toBe('');
		expect(repo).not.toBe('');
	});

	it('homepage, bugs and author name the same repository and owner', () => {
		expect(pkg.homepage).toBe(`${projectUrl}#readme`);
		expect(pkg.bugs).toEqual({ url: `${projectUrl}/issues` });
		expect(pkg.author?.url).toBe(`https://github.com/${owner}`);
		expect(pkg.author?.name?.trim()).toBeTruthy();
		expect(pkg.author?.email).toMatch(/^[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}$/i);
	});

	it('every link to the project in docs, workflows, codex files and the credential points at it', () => {
		const links = projectLinks();
		// The credential, both codex files and the changelog link to it at least.
		expect(links.length).toBeGreaterThanOrEqual(4);
		expect(links.filter(({ link }) => link !== `${owner}/${repo}`)).toEqual([]);
	});

	it("the credential's and the codex files' documentation links land on the README's Credentials section", () => {
		const readme = readRepoFile('README.md');
		expect(readme).toMatch(/^## Credentials$/m);
		const credential = readRepoFile('credentials/AgileTelecomApi.credentials.ts');
		expect(credential).toContain(`documentationUrl = '${projectUrl}#credentials'`);
		for (const file of listRepoFiles('nodes', '.node.json')) {
			const codex = JSON.parse(readRepoFile(file)) as { resources: { credentialDocumentation: Array<{ url: string }> } };
			expect(codex.resources.credentialDocumentation).toEqual([{ url: `${projectUrl}#credentials` }]);
		}
	});
});

describe('CHANGELOG.md (Keep a Changelog)', () => {
	const changelog = readRepoFile('CHANGELOG.md');
	const headings = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map((m) => ({ version: m[1], rest: m[2] }));
	const released = headings.filter((h) => h.version !== 'Unreleased');
	const semver = (v: string) => v.split('.').map(Number);
	const compare = (a: string, b: string) => {
		const [x, y] = [semver(a), semver(b)];
		for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
		return 0;
	};

	it('starts with an Unreleased section, then released versions, newest first, each dated', () => {
		expect(changelog.startsWith('# Changelog\n')).toBe(true);
		expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)');
		expect(headings[0]).toEqual({ version: 'Unreleased', rest: '' });
		for (const { version, rest } of released) {
			expect(version).toMatch(/^\d+\.\d+\.\d+$/);
			expect(rest).toMatch(/^ - \d{4}-\d{2}-\d{2}$/);
		}
		const versions = released.map((h) => h.version);
		expect([...versions].sort(compare).reverse()).toEqual(versions);
	});

	it('every section heading has its link, to this repository', () => {
		for (const { version } of headings) {
			const link = new RegExp(`^\\[${version.replace(/\./g, '\\.')}\\]: (\\S+)$`, 'm').exec(changelog)?.[1];
			expect(link?.startsWith(`${projectUrl}/`)).toBe(true);
		}
	});

	it('package.json has the newest released version, or the next one that Unreleased will become', () => {
		const newest = released[0]?.version;
		if (newest !== undefined) expect(compare(pkg.version, newest)).toBeGreaterThanOrEqual(0);
		expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
	});

	it('the README and the contributing guide point to it and to the release steps', () => {
		const versionHistory = /## Version history\n([\s\S]*?)\n## /.exec(readRepoFile('README.md'))?.[1] ?? '';
		expect(versionHistory).toContain('[CHANGELOG.md](CHANGELOG.md)');
		expect(readRepoFile('CONTRIBUTING.md')).toMatch(/^## Cutting a release$/m);
	});
});

describe('the npm package', () => {
	it('ships the changelog, the README and the license next to dist/ (npm pack --dry-run)', () => {
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- lists what `npm publish` would upload
		const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: repoRoot,
			encoding: 'utf8',
			timeout: 60_000,
		});
		expect(pack.status).toBe(0);
		const [{ files }] = JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>;
		const paths = files.map((f) => f.path);
		// Besides dist/, the docs, package.json and the `main` stub: no tests, sources or scripts.
		expect(paths.filter((p) => !p.startsWith('dist/')).sort()).toEqual([
			'CHANGELOG.md',
			'LICENSE.md',
			'README.md',
			'index.js',
			'package.json',
		]);
	});
});
