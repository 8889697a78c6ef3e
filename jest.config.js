const os = require('node:os');
const path = require('node:path');

// Set here rather than in the tests: n8n's lint rules forbid `process` in TypeScript files.
// n8n-core writes an instance config (with an encryption key) into the user folder on first use.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-agiletelecom-jest');
// n8n-core logs every node error with its full stack; the assertions read the errors instead.
process.env.N8N_LOG_LEVEL ??= 'silent';
// The sandbox listens on 127.0.0.1, which n8n's SSRF protection would block if a machine enabled it.
process.env.N8N_SSRF_PROTECTION_ENABLED = 'false';

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// test/tsconfig.json sets isolatedModules, so ts-jest only transpiles: type errors are caught once by
		// `npm run typecheck`, and each jest run stays fast.
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
	},
	testTimeout: 30000,
};
