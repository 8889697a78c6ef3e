// The n8n editor in a real browser: Debian's Chromium (/usr/bin/chromium, `apt-get install chromium`) driven by
// playwright-core (no browser download). Logs in to a started n8n with the packed package, adds the Agile Telecom
// node to a new workflow through the node creator, opens every operation and the credential dialog in both
// authentication modes, and checks which fields the editor shows. Screenshots: .cache/screenshots/editor/n8n-<version>/
// (ignored).
//
// Environment: E2E_TGZ=<path> tests that tarball instead of packing dist/; CHROMIUM=<path> another Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { DEMO_OWNER } from '../../scripts/n8n/examples.mjs';
import { ensureRuntime } from '../../scripts/n8n/install.mjs';
import { N8N_VERSION, REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { createInstance, packPackage } from '../../scripts/n8n/runtime.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// One folder per n8n version (N8N_VERSION), so runs against two versions keep both sets.
const SHOTS = path.join(REPO_ROOT, '.cache', 'screenshots', 'editor', `n8n-${N8N_VERSION}`);

/**
 * Parameters (by name) the editor must show, and parameters of the other operations it must not show.
 * Collections show as a labelled "add option" block rather than an input: they are checked by label.
 */
const OPERATIONS = [
	{
		resource: 'SMS',
		operation: 'Send Batch (Wholesale)',
		file: 'sms-sendBatch',
		// A new node is version 1.1: Cost and List Hygiene starts with Smart Encoding and Max Parts added.
		inputs: ['resource', 'operation', 'dataMode', 'destinations', 'sender', 'body', 'rejectedDestinations', 'smartEncoding', 'maxParts'],
		labels: ['Cost and List Hygiene', 'Message Options', 'Request Options', 'Batching', 'Retry'],
		absent: ['destination', 'messageIds', 'source'],
	},
	{
		resource: 'SMS',
		operation: 'Send (Qlara)',
		file: 'sms-send',
		inputs: ['resource', 'operation', 'dataMode', 'destination', 'sender', 'body', 'rejectedDestinations', 'smartEncoding', 'maxParts'],
		labels: ['Cost and List Hygiene', 'Options', 'Throughput', 'Retry'],
		absent: ['destinations', 'messageIds', 'source'],
	},
	{
		resource: 'SMS',
		operation: 'Send and Wait for Response',
		file: 'sms-sendAndWait',
		inputs: ['resource', 'operation', 'destination', 'sender', 'message', 'responseType', 'smartEncoding', 'maxParts'],
		labels: ['Approval Options', 'Options', 'Cost and List Hygiene', 'Retry'],
		absent: ['destinations', 'body', 'dataMode', 'rejectedDestinations', 'messageIds', 'source'],
	},
	{
		resource: 'Account',
		operation: 'Get Credit',
		file: 'account-getCredit',
		inputs: ['resource', 'operation', 'source'],
		labels: ['Options'],
		absent: ['destinations', 'destination', 'sender', 'body', 'messageIds'],
	},
	{
		resource: 'Message',
		operation: 'Get Status',
		file: 'message-getStatus',
		inputs: ['resource', 'operation', 'messageIds', 'channel'],
		labels: ['Options'],
		absent: ['destinations', 'destination', 'sender', 'body', 'source'],
	},
	{
		resource: 'Lookup',
		operation: 'Number Portability (MNP)',
		file: 'lookup-numberPortability',
		inputs: ['resource', 'operation', 'phoneNumber'],
		labels: ['Options', 'Retry'],
		absent: ['destinations', 'destination', 'sender', 'body', 'messageIds', 'source'],
	},
];

let n8n;
let server;
let context;
let page;
let profile;

before(async () => {
	assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM)`);
	mkdirSync(SHOTS, { recursive: true });
	await ensureRuntime({ quiet: true });
	n8n = await createInstance({ packageTgz: process.env.E2E_TGZ ?? (await packPackage({ build: false })) });
	server = await n8n.start();
	await server.setupOwner(DEMO_OWNER);
	profile = mkdtempSync(path.join(os.tmpdir(), 'agile-chromium-'));
	context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	context.setDefaultTimeout(30_000);
	page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
	await context?.close();
	await server?.stop();
	await n8n?.dispose();
	if (profile) rmSync(profile, { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

/** Names of the parameter inputs shown inside `scope` (n8n marks each with data-test-id="parameter-input-<name>"). */
async function inputsIn(scope) {
	const ids = await page.$$eval(`${scope} [data-test-id^="parameter-input-"]`, (els) =>
		els.filter((e) => e.offsetParent !== null).map((e) => e.getAttribute('data-test-id').slice('parameter-input-'.length)),
	);
	return new Set(ids);
}

async function labelsIn(scope) {
	const texts = await page.$$eval(`${scope} label`, (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim()));
	return texts;
}

/** Picks `option` in the dropdown of the parameter `name` (inside `scope`). */
async function choose(scope, name, option) {
	await page.locator(`${scope} [data-test-id="parameter-input-${name}"]`).first().click();
	await page.locator('.el-select-dropdown__item:visible, .el-select-dropdown li[role="option"]:visible', { hasText: option }).first().click();
	// Let the dropdown finish closing, so screenshots show the form rather than a fading list.
	await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden' }).catch(() => {});
	await page.waitForTimeout(400);
}

test('log in through the sign-in form', async () => {
	await page.goto(`${server.baseUrl}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', DEMO_OWNER.email);
	await page.fill('input[name=password]', DEMO_OWNER.password);
	await shot('01-signin');
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
});

test('a new workflow: the node creator finds Agile Telecom with its actions and adds the node', async () => {
	await page.goto(`${server.baseUrl}/workflow/new`);
	await page.click('[data-test-id=canvas-add-button]');
	await page.fill('[data-test-id=node-creator-search-bar]', 'Agile Telecom');
	await page.locator('[data-test-id=node-creator-item-name]', { hasText: /^Agile Telecom$/ }).first().click();
	await page.getByText(/^Actions \(\d+\)/).click();
	for (const action of ['Get the account credit', 'Get the delivery status of messages', 'Send an SMS']) {
		await page.getByText(action, { exact: true }).waitFor();
	}
	await shot('02-node-creator');
	await page.getByText('Get the account credit', { exact: true }).click();
	await page.locator('[data-test-id="parameter-input-operation"]').first().waitFor();
});

for (const op of OPERATIONS) {
	test(`node details: ${op.resource} → ${op.operation} shows its fields`, async () => {
		await choose('', 'resource', op.resource);
		await choose('', 'operation', op.operation);
		await page.locator(`[data-test-id="parameter-input-${op.inputs.at(-1)}"]`).first().waitFor();
		await shot(`op-${op.file}`);
		const inputs = await inputsIn('');
		for (const name of op.inputs) assert.ok(inputs.has(name), `${op.operation}: no "${name}" input among ${[...inputs].join(', ')}`);
		for (const name of op.absent) assert.ok(!inputs.has(name), `${op.operation}: "${name}" should not show`);
		const labels = await labelsIn('');
		for (const label of op.labels) assert.ok(labels.includes(label), `${op.operation}: no "${label}" among ${labels.join(', ')}`);
	});
}

test('credential dialog: API Key mode shows the key, Basic Auth shows username and password, Custom URL its fields', async () => {
	// With no credential yet, n8n 2.x shows a "Connect to Agile Telecom" button that opens the dialog; n8n 1.x shows
	// the "Credential to connect with" select, whose list starts with "Create new credential".
	if (N8N_VERSION.startsWith('1.')) {
		await page.locator('[data-test-id="node-credentials-select"]').first().click();
		await page.locator('[data-test-id="node-credentials-select-item-new"]').first().click();
	} else {
		await page.getByText('Connect to Agile Telecom', { exact: true }).first().click();
	}
	const modal = '[data-test-id=editCredential-modal]';
	await page.locator(`${modal} [data-test-id="parameter-input-authType"]`).first().waitFor();
	await shot('credential-apiKey');
	let inputs = await inputsIn(modal);
	for (const name of ['authType', 'apiKey', 'platform']) assert.ok(inputs.has(name), `API Key mode: no "${name}" among ${[...inputs].join(', ')}`);
	for (const name of ['username', 'password', 'baseUrl']) assert.ok(!inputs.has(name), `API Key mode: "${name}" should not show`);

	await choose(modal, 'authType', 'Basic Auth');
	await page.locator(`${modal} [data-test-id="parameter-input-username"]`).first().waitFor();
	await shot('credential-basicAuth');
	inputs = await inputsIn(modal);
	for (const name of ['authType', 'username', 'password', 'platform']) assert.ok(inputs.has(name), `Basic mode: no "${name}" among ${[...inputs].join(', ')}`);
	assert.ok(!inputs.has('apiKey'), 'Basic mode: the API key should not show');

	await choose(modal, 'platform', 'Custom URL');
	await page.locator(`${modal} [data-test-id="parameter-input-baseUrl"]`).first().waitFor();
	await shot('credential-basicAuth-custom');
	inputs = await inputsIn(modal);
	for (const name of ['baseUrl', 'customApiFormat']) assert.ok(inputs.has(name), `Custom URL: no "${name}" among ${[...inputs].join(', ')}`);
});
