import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeProperties,
	IRequestOptionsSimplified,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper } from 'n8n-workflow';

/**
 * Test stand-in for the n8n app's CredentialsHelper (packages/cli, not published), modelled on
 * n8n's own packages/core/nodes-testing/credentials-helper.ts. Credentials are plain objects per type.
 *
 * `authenticate` applies the credential type's real `authenticate`: a function is awaited as is; the generic
 * form (`{ type: 'generic', properties: { headers, qs, body, auth } }`) has every value expression-resolved
 * with `$credentials`, as the real helper does.
 *
 * Note: n8n-core replays a 401 once (`httpRequestWithAuthentication` → `preAuthentication`, notes §9.4
 * pitfall 1) when the request throws on it. The harness cannot opt out of it — that is production behaviour.
 * With `ignoreHttpStatusErrors: true` (our transport) nothing throws, so there is no replay.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** How many times `authenticate` ran, per credential type. */
	readonly authenticateCalls: Record<string, number> = {};

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		this.authenticateCalls[typeName] = (this.authenticateCalls[typeName] ?? 0) + 1;
		const options = requestOptions as IHttpRequestOptions;
		const authenticate = this.credentialTypes[typeName]?.authenticate;
		if (!authenticate) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		if (authenticate.type !== 'generic') return options;
		if (!workflow || !node) throw new Error('Generic authentication needs the workflow and the node');
		const resolve = (value: unknown): unknown =>
			typeof value === 'string' && value.startsWith('=')
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials })
				: value;
		const result: IHttpRequestOptions = { ...options };
		for (const part of ['headers', 'qs', 'body'] as const) {
			const entries = authenticate.properties[part] as IDataObject | undefined;
			if (!entries) continue;
			const target: IDataObject = { ...((result[part] as IDataObject | undefined) ?? {}) };
			for (const [key, value] of Object.entries(entries)) target[String(resolve(key))] = resolve(value) as IDataObject[string];
			(result as unknown as IDataObject)[part] = target;
		}
		const auth = authenticate.properties.auth;
		if (auth) {
			result.auth = {
				username: String(resolve(auth.username) ?? ''),
				password: String(resolve(auth.password) ?? ''),
				sendImmediately: auth.sendImmediately,
			};
		}
		return result;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('TestCredentialsHelper.getCredentials is not used on this path');
	}

	async getDecrypted(
		...args: Parameters<ICredentialsHelper['getDecrypted']>
	): Promise<ICredentialDataDecryptedObject> {
		const type = args[2];
		const data = this.data[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes[type]?.properties ?? [];
	}
}
