import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { agileRequest, getConnection, requireQlara, type Connection } from '../../AgileTelecom/transport/request';
import { DEFAULT_RETRY, type RetrySettings } from '../../AgileTelecom/transport/retry';
import { expectedToken } from './settings';
import { callbackUrlWithToken, fingerprint, withoutQuery } from './token';

/**
 * Qlara delivery-status webhook registration (agile-api.md §6.3): one webhook per account, managed with
 * GET/POST/PUT/DELETE on one path. The docs disagree on a second POST (409 vs silent replace), so the
 * node always reads first and only POSTs when nothing is registered; a 409 is then a race it re-reads.
 *
 * How n8n 2.41 calls these methods (packages/cli webhooks/test-webhooks.ts, active-workflow-manager.ts):
 * - activation: checkExists, then create, with mode 'trigger' and the workflow's saved static data;
 * - listening for a test event: checkExists, then create, with mode 'manual' on a copy of the workflow whose
 *   static data starts empty, and the test URL (`/webhook-test/…`) as the node's webhook URL;
 * - deactivation and the end of a test: delete, with mode 'internal' in both cases. Only the URL (test or
 *   production) and the static data tell them apart: the production record below lives only in production's.
 */

/**
 * Every write here is idempotent by construction (a repeated POST ends in a 409 that is re-read, PUT sets
 * the same URL, DELETE accepts 404), so server errors may be retried without the duplicate risk of a send.
 */
const HOOK_RETRY: RetrySettings = { ...DEFAULT_RETRY, retryOnServerErrors: true };

/** What the node remembers about the webhook it registered (workflow static data, scope 'node'). */
export interface RegistrationRecord {
	/** SHA-256 of the registered URL: the URL itself may hold the secret token. */
	urlFingerprint: string;
	webhookId: string | null;
	registeredAt: string;
}

const RECORD_KEY = 'registration';
/** The path n8n gives this node's webhook after its webhook id (description.webhooks[0].path). */
const WEBHOOK_PATH = 'webhook';

interface RegisteredWebhook {
	id: string | null;
	callbackUrl: string;
}

interface Settings {
	enabled: boolean;
	replaceExisting: boolean;
	/** This call's URL (test or production) with the token as `?token=`. */
	callbackUrl: string;
	/** The token in `callbackUrl`, masked in every error of the registration requests. */
	token?: string;
	/** Listening for a test event in the editor: must never take over the production registration. */
	testMode: boolean;
	/** `/<webhookId>/webhook`: the end of every URL of this node, test or production. */
	nodePathSuffix: string | undefined;
}

/**
 * Who a registered webhook belongs to, seen from this call:
 * - `current`: exactly this call's URL;
 * - `ours`: this node's, to be moved to this call's URL (an earlier token, or production taking over its own
 *   test registration);
 * - `production`: this node's production URL while listening for a test event: never touched;
 * - `foreign`: anything else, replaced only with Replace Existing Webhook.
 */
type Ownership = 'current' | 'ours' | 'production' | 'foreign';

/**
 * The URL Qlara must call. On removal a token that cannot be read any more (credential deleted or emptied) must not
 * block the deactivation: the production record still identifies the registration.
 */
async function callbackOf(ctx: IHookFunctions, webhookUrl: string, removing: boolean): Promise<{ url: string; token?: string }> {
	try {
		const token = (await expectedToken(ctx)) ?? '';
		return { url: callbackUrlWithToken(webhookUrl, token), ...(token ? { token } : {}) };
	} catch (error) {
		if (!removing) throw new NodeOperationError(ctx.getNode(), error as Error);
		ctx.logger.warn(`Agile Telecom Trigger: token unavailable while removing the Qlara webhook (${(error as Error).message})`);
		return { url: webhookUrl };
	}
}

/**
 * The API connection, with the webhook token among the secrets it masks: a Qlara answer that echoes the callback
 * URL must not carry the token into an error, which n8n shows, logs and stores with the execution.
 */
async function connectionOf(ctx: IHookFunctions, settings: Settings): Promise<Connection> {
	const connection = await getConnection(ctx);
	return settings.token ? { ...connection, secrets: [...connection.secrets, settings.token] } : connection;
}

async function settingsOf(ctx: IHookFunctions, removing = false): Promise<Settings> {
	const enabled = ctx.getNodeParameter('registerWebhook', false) as boolean;
	const webhookUrl = ctx.getNodeWebhookUrl('default') ?? '';
	const webhookId = ctx.getNode().webhookId;
	const callback = enabled ? await callbackOf(ctx, webhookUrl, removing) : { url: webhookUrl };
	return {
		enabled,
		replaceExisting: enabled && (ctx.getNodeParameter('replaceExistingWebhook', false) as boolean),
		callbackUrl: callback.url,
		...(callback.token ? { token: callback.token } : {}),
		testMode: ctx.getMode() === 'manual' || ctx.getActivationMode() === 'manual',
		nodePathSuffix: webhookId ? `/${webhookId}/${WEBHOOK_PATH}` : undefined,
	};
}

function recordOf(ctx: IHookFunctions): RegistrationRecord | undefined {
	const value = ctx.getWorkflowStaticData('node')[RECORD_KEY];
	return value && typeof value === 'object' ? (value as unknown as RegistrationRecord) : undefined;
}

/** Test registrations are not recorded: the record must keep describing the production one. */
function remember(ctx: IHookFunctions, settings: Settings, webhookId: string | null): void {
	if (settings.testMode) return;
	const url = settings.callbackUrl;
	const record: RegistrationRecord = { urlFingerprint: fingerprint(url), webhookId, registeredAt: new Date().toISOString() };
	ctx.getWorkflowStaticData('node')[RECORD_KEY] = record as unknown as IDataObject;
}

function forget(ctx: IHookFunctions): void {
	delete ctx.getWorkflowStaticData('node')[RECORD_KEY];
}

function pathOf(url: string): string | undefined {
	return URL.canParse(url) ? new URL(url).pathname.replace(/\/+$/, '') : undefined;
}

function ownership(ctx: IHookFunctions, settings: Settings, existing: RegisteredWebhook): Ownership {
	if (existing.callbackUrl === settings.callbackUrl) return 'current';
	const existingPath = pathOf(existing.callbackUrl);
	const ownPath = pathOf(settings.callbackUrl);
	// The webhook id is a UUID n8n gives this node alone, so a URL ending in it is this node's, whatever the host.
	const sameNode = !!settings.nodePathSuffix && !!existingPath?.endsWith(settings.nodePathSuffix);
	if (settings.testMode) {
		if (sameNode && existingPath === ownPath) return 'ours';
		return sameNode ? 'production' : 'foreign';
	}
	if (sameNode || recordOf(ctx)?.urlFingerprint === fingerprint(existing.callbackUrl)) return 'ours';
	return 'foreign';
}

function foreignWebhookError(ctx: IHookFunctions, existing: RegisteredWebhook | undefined): NodeApiError {
	const shown = existing ? withoutQuery(existing.callbackUrl) : '(unknown: Qlara answered 409 but returned no webhook)';
	const message = `A Qlara delivery-status webhook is already registered for this account, pointing to ${shown}`;
	const description =
		'Qlara allows one delivery-status webhook per account, and this node does not replace a webhook it did not create. Remove it in the Qlara portal (Settings → Webhooks), or turn on "Replace Existing Webhook" in this node to take it over: the other URL will then stop receiving delivery events, and it is not restored when this workflow is deactivated.';
	return conflictError(ctx, message, description, existing);
}

function productionOwnedError(ctx: IHookFunctions, existing: RegisteredWebhook): NodeApiError {
	const message = `The Qlara delivery-status webhook points to this workflow's production URL (${withoutQuery(existing.callbackUrl)})`;
	const description =
		'Qlara allows one delivery-status webhook per account, and the active workflow receives its events. Listening for a test event would move it to the test URL and stopping the test would remove it, so this node leaves it alone (Replace Existing Webhook does not change that). Live events keep reaching the active workflow: see its executions. To test with live events, deactivate the workflow first; to try the node without them, turn off Register Webhook Automatically while testing and send a sample event to the test URL.';
	return conflictError(ctx, message, description, existing);
}

function conflictError(ctx: IHookFunctions, message: string, description: string, existing: RegisteredWebhook | undefined): NodeApiError {
	const response: JsonObject = { message, httpCode: '409', existingWebhookId: existing?.id ?? null };
	return new NodeApiError(ctx.getNode(), response, { message, description, httpCode: '409' });
}

/** §6.3 documents `callbackUrl`; the older guide (§6.4) registered with `url`. */
function webhookFrom(body: unknown): RegisteredWebhook | undefined {
	const entry = Array.isArray(body) ? body[0] : body;
	if (!entry || typeof entry !== 'object') return undefined;
	const b = entry as Record<string, unknown>;
	const callbackUrl = typeof b.callbackUrl === 'string' ? b.callbackUrl : typeof b.url === 'string' ? b.url : undefined;
	if (!callbackUrl) return undefined;
	return { id: typeof b.id === 'string' ? b.id : null, callbackUrl };
}

async function readRegistered(ctx: IHookFunctions, connection: Connection): Promise<RegisteredWebhook | undefined> {
	// Every registration step reads first, so this is the one place that refuses a non-Qlara credential.
	requireQlara(ctx, connection, 'Register Webhook Automatically (Qlara)');
	const response = await agileRequest(ctx, connection, {
		method: 'GET',
		url: connection.endpoints.qlaraDeliveryWebhook,
		kind: 'read',
		passThrough: [404],
	});
	return response.statusCode === 404 ? undefined : webhookFrom(response.body);
}

/**
 * Writes this call's URL: POST creates, PUT replaces. False when the server says it cannot: 409 on POST (one was
 * registered between the read and the write), 404 on PUT (none is registered any more).
 */
async function write(ctx: IHookFunctions, connection: Connection, settings: Settings, method: 'POST' | 'PUT'): Promise<boolean> {
	const refusal = method === 'POST' ? 409 : 404;
	const response = await agileRequest(ctx, connection, {
		method,
		url: connection.endpoints.qlaraDeliveryWebhook,
		body: { callbackUrl: settings.callbackUrl },
		kind: 'send',
		retry: HOOK_RETRY,
		passThrough: [refusal],
	});
	if (response.statusCode === refusal) return false;
	remember(ctx, settings, webhookFrom(response.body)?.id ?? null);
	return true;
}

/** Registers this call's URL, or throws why it may not. Reads at most twice: a 409 or a vanished webhook is a race. */
async function register(ctx: IHookFunctions, connection: Connection, settings: Settings): Promise<void> {
	let existing = await readRegistered(ctx, connection);
	for (let round = 0; round < 2; round++) {
		if (existing) {
			const owner = ownership(ctx, settings, existing);
			if (owner === 'current') return remember(ctx, settings, existing.id);
			if (owner === 'production') throw productionOwnedError(ctx, existing);
			if (owner === 'foreign' && !settings.replaceExisting) throw foreignWebhookError(ctx, existing);
			// PUT, not POST: on servers that answer a second POST with 409 (§6.3 API reference) only PUT replaces.
			if (await write(ctx, connection, settings, 'PUT')) return;
		}
		if (await write(ctx, connection, settings, 'POST')) return;
		existing = await readRegistered(ctx, connection);
	}
	throw foreignWebhookError(ctx, existing);
}

export async function webhookExists(this: IHookFunctions): Promise<boolean> {
	const settings = await settingsOf(this);
	// Without registration there is nothing to create: the user pastes the URL into the portal.
	if (!settings.enabled) return true;
	const connection = await connectionOf(this, settings);
	const existing = await readRegistered(this, connection);
	if (existing?.callbackUrl !== settings.callbackUrl) return false;
	remember(this, settings, existing.id);
	return true;
}

export async function createWebhook(this: IHookFunctions): Promise<boolean> {
	const settings = await settingsOf(this);
	if (!settings.enabled) return true;
	await register(this, await connectionOf(this, settings), settings);
	return true;
}

/**
 * Removes the registration only when it is this call's URL, or the one production recorded. A test listen's
 * static data never holds the production record, so stopping a test cannot remove production's webhook; a
 * webhook someone else registered in the meantime is left alone as well.
 */
export async function deleteWebhook(this: IHookFunctions): Promise<boolean> {
	const settings = await settingsOf(this, true);
	if (!settings.enabled) return true;
	const connection = await connectionOf(this, settings);
	const existing = await readRegistered(this, connection);
	const ours =
		existing !== undefined &&
		(existing.callbackUrl === settings.callbackUrl || recordOf(this)?.urlFingerprint === fingerprint(existing.callbackUrl));
	if (ours) {
		await agileRequest(this, connection, {
			method: 'DELETE',
			url: connection.endpoints.qlaraDeliveryWebhook,
			kind: 'send',
			retry: HOOK_RETRY,
			passThrough: [404],
		});
	}
	forget(this);
	return true;
}
