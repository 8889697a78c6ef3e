const { dest, parallel, series, src } = require('gulp');
const { spawn } = require('node:child_process');
const fs = require('node:fs');

function clean(done) {
	fs.rmSync('dist', { recursive: true, force: true });
	done();
}

function compile() {
	return spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
}

// Each copy returns its own stream so gulp waits for every one of them (the classic starter returned only
// the second of two streams and could finish before the first copy was written).
function copyNodeIcons() {
	return src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(
		dest('dist/credentials'),
	);
}

exports['build:icons'] = parallel(copyNodeIcons, copyCredentialIcons);
exports.build = series(clean, compile, exports['build:icons']);
