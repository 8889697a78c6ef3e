import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { agileRequest, getConnection, requireQlara, type Connection } from '../../AgileTelecom/transport/request';
import { DEFAULT_RETRY, type RetrySettings } from '../../AgileTelecom/transport/retry';
import { callbackUrlWithToken, fingerprint, withoutQuery } from './token';

/**
 * Qlara delivery-status webhook registration (agile-api.md §6.3): one webhook per account, managed with
 * GET/POST/PUT/DELETE on one path. The docs disagree on a second POST (409 vs silent replace), so the
 * node always reads first and only POSTs when nothing is registered; a 409 is then a race it re-reads.
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

interface RegisteredWebhook {
	id: string | null;
	callbackUrl: string;
}

interface Settings {
	enabled: boolean;
	replaceExisting: boolean;
	callbackUrl: string;
	/** Test webhooks (the editor's "listen") must never take over the production registration. */
	testMode: boolean;
}

function settingsOf(ctx: IHookFunctions): Settings {
	const enabled = ctx.getNodeParameter('registerWebhook', false) as boolean;
	const webhookUrl = ctx.getNodeWebhookUrl('default') ?? '';
	return {
		enabled,
		replaceExisting: enabled && (ctx.getNodeParameter('replaceExistingWebhook', false) as boolean),
		callbackUrl: callbackUrlWithToken(webhookUrl, ctx.getNodeParameter('secretToken', '') as string),
		testMode: ctx.getMode() === 'manual',
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

/** Ours = the URL of this very activation, or (outside test mode) a URL this node registered earlier. */
function isOurs(ctx: IHookFunctions, settings: Settings, existing: RegisteredWebhook): boolean {
	if (existing.callbackUrl === settings.callbackUrl) return true;
	if (settings.testMode) return false;
	return recordOf(ctx)?.urlFingerprint === fingerprint(existing.callbackUrl);
}

function foreignWebhookError(ctx: IHookFunctions, existing: RegisteredWebhook): NodeApiError {
	const ownProduction = recordOf(ctx)?.urlFingerprint === fingerprint(existing.callbackUrl);
	const shown = withoutQuery(existing.callbackUrl);
	const message = ownProduction
		? `The Qlara delivery-status webhook points to this node's production URL (${shown})`
		: `A Qlara delivery-status webhook is already registered for this account, pointing to ${shown}`;
	const description = ownProduction
		? 'Qlara allows one delivery-status webhook per account and the active workflow uses it. Listening for a test event would take it over, and stopping the test would remove it. Deactivate the workflow to test with live events, post sample events to the test URL yourself, or turn on "Replace Existing Webhook".'
		: 'Qlara allows one delivery-status webhook per account, and this node does not replace a webhook it did not create. Remove it in the Qlara portal (Settings → Webhooks), or turn on "Replace Existing Webhook" in this node to take it over: the other URL will then stop receiving delivery events, and it is not restored when this workflow is deactivated.';
	const response: JsonObject = { message, httpCode: '409', existingWebhookId: existing.id };
	return new NodeApiError(ctx.getNode(), response, { message, description, httpCode: '409' });
}

async function update(ctx: IHookFunctions, connection: Connection, settings: Settings): Promise<boolean> {
	const response = await agileRequest(ctx, connection, {
		method: 'PUT',
		url: connection.endpoints.qlaraDeliveryWebhook,
		body: { callbackUrl: settings.callbackUrl },
		kind: 'send',
		retry: HOOK_RETRY,
		passThrough: [404],
	});
	if (response.statusCode === 404) return false;
	remember(ctx, settings, webhookFrom(response.body)?.id ?? null);
	return true;
}

export async function webhookExists(this: IHookFunctions): Promise<boolean> {
	const settings = settingsOf(this);
	// Without registration there is nothing to create: the user pastes the URL into the portal.
	if (!settings.enabled) return true;
	const connection = await getConnection(this);
	const existing = await readRegistered(this, connection);
	if (existing?.callbackUrl !== settings.callbackUrl) return false;
	remember(this, settings, existing.id);
	return true;
}

export async function createWebhook(this: IHookFunctions): Promise<boolean> {
	const settings = settingsOf(this);
	if (!settings.enabled) return true;
	const connection = await getConnection(this);
	const existing = await readRegistered(this, connection);
	if (existing) {
		if (existing.callbackUrl === settings.callbackUrl) {
			remember(this, settings, existing.id);
			return true;
		}
		if (!isOurs(this, settings, existing) && !settings.replaceExisting) throw foreignWebhookError(this, existing);
		// PUT, not POST: on servers that answer a second POST with 409 (§6.3 API reference) only PUT replaces.
		if (await update(this, connection, settings)) return true;
	}
	const created = await agileRequest(this, connection, {
		method: 'POST',
		url: connection.endpoints.qlaraDeliveryWebhook,
		body: { callbackUrl: settings.callbackUrl },
		kind: 'send',
		retry: HOOK_RETRY,
		passThrough: [409],
	});
	if (created.statusCode !== 409) {
		remember(this, settings, webhookFrom(created.body)?.id ?? null);
		return true;
	}
	// 409: registered in the meantime, or by an earlier attempt of this very request.
	const now = await readRegistered(this, connection);
	if (now?.callbackUrl === settings.callbackUrl) {
		remember(this, settings, now.id);
		return true;
	}
	const conflicting = now ?? { id: null, callbackUrl: '(unknown: Qlara answered 409 but returned no webhook)' };
	if (now && settings.replaceExisting && (await update(this, connection, settings))) return true;
	throw foreignWebhookError(this, conflicting);
}

export async function deleteWebhook(this: IHookFunctions): Promise<boolean> {
	const settings = settingsOf(this);
	if (!settings.enabled) return true;
	const connection = await getConnection(this);
	const existing = await readRegistered(this, connection);
	// A webhook someone else registered in the meantime is left alone: removing it is not this node's call.
	if (existing && isOurs(this, settings, existing)) {
		await agileRequest(this, connection, {
			method: 'DELETE',
			url: connection.endpoints.qlaraDeliveryWebhook,
			kind: 'send',
			retry: HOOK_RETRY,
			passThrough: [404],
		});
	}
	if (!settings.testMode) forget(this);
	return true;
}
