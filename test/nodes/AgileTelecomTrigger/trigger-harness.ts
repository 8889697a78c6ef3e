/**
 * Runs the Agile Telecom Trigger the way n8n 2.41 does, with n8n-core's real contexts:
 * - `webhook()` gets a real `WebhookContext` whose request and response are real node:http objects of a
 *   loopback server, so tests see the bytes a caller would see. The server prepares the request as n8n's
 *   webhook server does (dist/middlewares/body-parser.js `parseBody`: `rawBody`, `contentType`, and `body`
 *   parsed by content type only), and applies the same rule afterwards (webhook-helpers.js: when the node
 *   did not answer itself, n8n answers `{"message":"Workflow was started"}`).
 * - `checkExists`/`create`/`delete` get a real `HookContext`, in n8n's order (WebhookService
 *   `createWebhookIfNotExists`: checkExists, then create when it returned false), with the modes n8n 2.41 uses
 *   (packages/cli active-workflow-manager.ts, webhooks/test-webhooks.ts):
 *   - activation: mode 'trigger', activation 'activate', production URL, the workflow's own static data;
 *   - listening for a test event: mode 'manual', activation 'manual', test URL, on a copy of the workflow whose
 *     static data starts empty (`TestWebhooks.toWorkflow` passes `staticData: {}`), kept until the test stops;
 *   - deactivation and stopping a test: delete with mode 'internal', activation 'update', each on its own workflow.
 * One `TriggerWorkflow` keeps one production `Workflow`, so static data survives from activation to deactivation.
 */
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test-only loopback server
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test-only loopback server
import type { AddressInfo } from 'node:net';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- mirrors n8n's form body parser
import { parse as parseQueryString } from 'node:querystring';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AgileTelecomApi } from '../../../credentials/AgileTelecomApi.credentials';
import { AgileTelecomWebhookApi } from '../../../credentials/AgileTelecomWebhookApi.credentials';
import { AgileTelecomTrigger } from '../../../nodes/AgileTelecomTrigger/AgileTelecomTrigger.node';
import { TestCredentialsHelper, TestNodeTypes } from '../../harness';

export const TRIGGER_TYPE = 'n8n-nodes-agiletelecom.agileTelecomTrigger';
export const WEBHOOK_ID = '0b5e3c1a-7f1d-4c2e-9a55-2f6d8c4b1e90';
export const WORKFLOW_ID = 'trigger-test-workflow';
export const PRODUCTION_BASE = 'https://n8n.example.com/webhook';
export const TEST_BASE = 'https://n8n.example.com/webhook-test';
export const PRODUCTION_URL = `${PRODUCTION_BASE}/${WEBHOOK_ID}/webhook`;
export const TEST_URL = `${TEST_BASE}/${WEBHOOK_ID}/webhook`;

export interface WebhookCall {
	/** What `webhook()` returned; undefined when it threw. */
	result?: IWebhookResponseData;
	error?: Error;
}

export interface PostResult {
	status: number;
	contentType: string | null;
	body: string;
	/** The call this request made into the node (undefined when n8n itself refused the body). */
	call?: WebhookCall;
	/** The items of the workflow run it starts, or undefined when it starts none. */
	items?: INodeExecutionData[];
}

export interface TriggerWorkflowOptions {
	parameters: INodeParameters;
	/** 1 (Secret Token field by default) or 1.1 (token credential by default). Default 1.1. */
	typeVersion?: number;
	/** Credential data for agileTelecomApi (only registration needs it). */
	credentials?: ICredentialDataDecryptedObject;
	/** Credential data for agileTelecomWebhookApi ({ token }). */
	webhookCredentials?: ICredentialDataDecryptedObject;
}

/** How n8n calls a hook method: see the header. */
export interface HookCall {
	mode: WorkflowExecuteMode;
	activation: WorkflowActivateMode;
	isTest: boolean;
}

export const ACTIVATION: HookCall = { mode: 'trigger', activation: 'activate', isTest: false };
export const DEACTIVATION: HookCall = { mode: 'internal', activation: 'update', isTest: false };
export const TEST_LISTEN: HookCall = { mode: 'manual', activation: 'manual', isTest: true };
export const TEST_STOP: HookCall = { mode: 'internal', activation: 'update', isTest: true };

export interface TriggerWorkflow {
	node: INode;
	workflow: Workflow;
	/** The node's static data (scope 'node') of the production workflow, as n8n would persist it. */
	staticData(): IDataObject;
	/** One hook method, on the production workflow or (isTest) on the current test copy. */
	runHook(method: 'checkExists' | 'create' | 'delete', call?: HookCall): Promise<boolean | undefined>;
	/** n8n's activation: checkExists, then create if needed. */
	activate(): Promise<void>;
	deactivate(): Promise<void>;
	/** The editor's "Listen for test event": a fresh copy of the workflow (empty static data), then checkExists/create. */
	listenForTestEvent(): Promise<void>;
	/** The end of the test (event received, timeout or cancel): delete on the same copy. */
	stopListening(): Promise<void>;
	/** Starts the loopback server that feeds requests to `webhook()`; returns its URL. */
	listen(): Promise<string>;
	post(body: string | Uint8Array, headers?: Record<string, string>, query?: string): Promise<PostResult>;
	close(): Promise<void>;
}

const trigger = new AgileTelecomTrigger();
const webhookDescription = (trigger.description.webhooks ?? [])[0] as IWebhookDescription;

function buildAdditionalData(options: TriggerWorkflowOptions): IWorkflowExecuteAdditionalData {
	const data: Record<string, ICredentialDataDecryptedObject> = {};
	if (options.credentials) data.agileTelecomApi = options.credentials;
	if (options.webhookCredentials) data.agileTelecomWebhookApi = options.webhookCredentials;
	const credentialsHelper = new TestCredentialsHelper(
		{ agileTelecomApi: new AgileTelecomApi(), agileTelecomWebhookApi: new AgileTelecomWebhookApi() },
		data,
	);
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper,
		executionId: 'trigger-test',
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'https://n8n.example.com/rest',
		instanceBaseUrl: 'https://n8n.example.com/',
		webhookBaseUrl: PRODUCTION_BASE,
		webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
		webhookTestBaseUrl: TEST_BASE,
		formBaseUrl: 'https://n8n.example.com/form',
		formWaitingBaseUrl: 'https://n8n.example.com/form-waiting',
		formTestBaseUrl: 'https://n8n.example.com/form-test',
		mcpBaseUrl: 'https://n8n.example.com/mcp',
		mcpTestBaseUrl: 'https://n8n.example.com/mcp-test',
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** n8n's `parseIncomingMessage` + `parseBody` for the content types n8n parses. */
function prepareLikeN8n(req: IncomingMessage, raw: Buffer): void {
	const [mime, ...params] = String(req.headers['content-type'] ?? '').split(';');
	const charset = params.map((p) => p.trim().split('=')).find(([k]) => k.toLowerCase() === 'charset')?.[1];
	req.contentType = mime.trim().toLowerCase() || undefined;
	req.encoding = (charset?.toLowerCase() as BufferEncoding | undefined) ?? 'utf-8';
	req.rawBody = raw;
	const target = req as IncomingMessage & { body?: unknown; query?: unknown; params?: unknown };
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	target.query = Object.fromEntries(url.searchParams);
	target.params = {};
	if (!raw.length) return;
	const text = raw.toString(req.encoding);
	if (req.contentType === 'application/json') target.body = JSON.parse(text) as unknown;
	else if (req.contentType === 'application/x-www-form-urlencoded') target.body = parseQueryString(text);
	else if (req.contentType === 'text/plain') target.body = text;
}

function buildNode(options: TriggerWorkflowOptions): INode {
	const credentials: INode['credentials'] = {};
	if (options.credentials) credentials.agileTelecomApi = { id: 'cred-1', name: 'Agile (test)' };
	if (options.webhookCredentials) credentials.agileTelecomWebhookApi = { id: 'cred-2', name: 'Agile webhook (test)' };
	return {
		id: 'agile-telecom-trigger',
		name: 'Agile Telecom Trigger',
		type: TRIGGER_TYPE,
		typeVersion: options.typeVersion ?? 1.1,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		// A copy: n8n's Workflow fills in defaults (and drops hidden parameters) in place.
		parameters: structuredClone(options.parameters),
		credentials: Object.keys(credentials).length ? credentials : undefined,
	};
}

function buildWorkflow(node: INode, staticData: IDataObject = {}): Workflow {
	return new Workflow({
		id: WORKFLOW_ID,
		name: 'Agile Telecom Trigger test',
		nodes: [node],
		connections: {},
		nodeTypes: new TestNodeTypes({ [TRIGGER_TYPE]: trigger }),
		active: true,
		settings: {},
		staticData,
	});
}

export function createTriggerWorkflow(options: TriggerWorkflowOptions): TriggerWorkflow {
	const node = buildNode(options);
	const workflow = buildWorkflow(node);
	let testCopy: { node: INode; workflow: Workflow } | undefined;

	const webhookData = (additionalData: IWorkflowExecuteAdditionalData, isTest: boolean): IWebhookData => ({
		httpMethod: 'POST',
		node: node.name,
		path: `${WEBHOOK_ID}/webhook`,
		webhookDescription,
		workflowId: WORKFLOW_ID,
		workflowExecuteAdditionalData: additionalData,
		webhookId: WEBHOOK_ID,
		isTest,
	});

	const runHook = async (method: 'checkExists' | 'create' | 'delete', call: HookCall = ACTIVATION) => {
		const target = call.isTest ? testCopy : { node, workflow };
		if (!target) throw new Error('No test listen is running: call listenForTestEvent() first');
		const additionalData = buildAdditionalData(options);
		const data = webhookData(additionalData, call.isTest);
		const context = new HookContext(target.workflow, target.node, additionalData, call.mode, call.activation, data);
		const fn = trigger.webhookMethods.default[method];
		return await fn.call(context);
	};

	let server: Server | undefined;
	let baseUrl = '';
	let lastCall: WebhookCall | undefined;
	let lastHandled: Promise<void> = Promise.resolve();

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		lastCall = undefined;
		const raw = await readRaw(req);
		try {
			prepareLikeN8n(req, raw);
		} catch (error) {
			// n8n answers an unparsable JSON body itself (UnprocessableRequestError) and never calls the node.
			res.writeHead(422, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ message: 'Failed to parse request body', detail: String(error) }));
			return;
		}
		const additionalData = buildAdditionalData(options);
		additionalData.httpRequest = req as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		additionalData.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData(additionalData, false), [], null);
		const call: WebhookCall = {};
		lastCall = call;
		try {
			call.result = await trigger.webhook.call(context);
		} catch (error) {
			call.error = error as Error;
			if (!res.headersSent) {
				res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ message: 'Error in workflow' }));
			}
			return;
		}
		if (call.result.noWebhookResponse !== true && !res.headersSent) {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ message: 'Workflow was started' }));
		}
	};

	return {
		node,
		workflow,
		staticData: () => workflow.getStaticData('node', node),
		runHook,
		async activate() {
			if (!(await runHook('checkExists', ACTIVATION))) await runHook('create', ACTIVATION);
		},
		async deactivate() {
			await runHook('delete', DEACTIVATION);
		},
		async listenForTestEvent() {
			const copy = buildNode(options);
			testCopy = { node: copy, workflow: buildWorkflow(copy) };
			const register = async () => {
				if (!(await runHook('checkExists', TEST_LISTEN))) await runHook('create', TEST_LISTEN);
			};
			const failure = await register().then(
				() => undefined,
				(error: unknown) => error,
			);
			if (failure === undefined) return;
			// TestWebhooks.needsWebhook: a failed registration is cleaned up with delete, then the error is shown.
			await runHook('delete', TEST_STOP);
			testCopy = undefined;
			throw failure;
		},
		async stopListening() {
			await runHook('delete', TEST_STOP);
			testCopy = undefined;
		},
		async listen() {
			server = createServer((req, res) => {
				lastHandled = handle(req, res);
			});
			await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
			baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/${WEBHOOK_ID}/webhook`;
			return baseUrl;
		},
		async post(body, headers = { 'Content-Type': 'application/json' }, query = '') {
			const response = await fetch(`${baseUrl}${query}`, { method: 'POST', headers, body });
			const text = await response.text();
			// The node answers before it returns: wait until its result is recorded.
			await lastHandled;
			const call = lastCall;
			return {
				status: response.status,
				contentType: response.headers.get('content-type'),
				body: text,
				call,
				items: call?.result?.workflowData?.[0],
			};
		},
		async close() {
			if (!server) return;
			const s = server;
			await new Promise<void>((resolve) => {
				s.close(() => resolve());
				s.closeAllConnections();
			});
		},
	};
}
