/**
 * Read access to the repository's own files, for the tests that check files rather than code (workflows, package
 * metadata, docs). The imports n8n's lint restricts for node code are confined to this file.
 */
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- tests read the repository they check
import { existsSync, readdirSync, readFileSync } from 'fs';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- tests read the repository they check
import * as path from 'path';

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- a test locates the repository it checks
export const repoRoot = path.resolve(__dirname, '..');

export function readRepoFile(relativePath: string): string {
	return readFileSync(path.join(repoRoot, relativePath), 'utf8');
}

export function repoFileExists(relativePath: string): boolean {
	return existsSync(path.join(repoRoot, relativePath));
}

/** Paths (relative to the repository, `/`-separated) of the files under `dir` whose name ends with `suffix`. */
export function listRepoFiles(dir: string, suffix: string): string[] {
	const found: string[] = [];
	const walk = (relative: string) => {
		for (const entry of readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
			const child = `${relative}/${entry.name}`;
			if (entry.isDirectory()) walk(child);
			else if (entry.name.endsWith(suffix)) found.push(child);
		}
	};
	walk(dir);
	return found.sort();
}

export interface PackageJson {
	name: string;
	version: string;
	homepage?: string;
	author?: { name?: string; email?: string; url?: string };
	repository?: { type?: string; url?: string };
	bugs?: { url?: string };
	files?: string[];
	scripts: Record<string, string>;
}

export function packageJson(): PackageJson {
	return JSON.parse(readRepoFile('package.json')) as PackageJson;
}
