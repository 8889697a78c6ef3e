/**
 * Runs a test function inside a real n8n-core `ExecuteContext` (the harness's bare context), so transport code
 * is exercised with n8n-core's real `httpRequestWithAuthentication`, the credential's real `authenticate`, the
 * real cancel signal and real parameter resolution — without depending on any operation of the node.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { AgileTelecomApi } from '../../../../credentials/AgileTelecomApi.credentials';
import { retryFields } from '../../../../nodes/AgileTelecom/descriptions/retry';
import { CREDENTIAL_TYPE, executeBare } from '../../../harness';

/**
 * The real credential, counting how often n8n-core asked it to authenticate: once per HTTP attempt, so it counts
 * attempts even when no server answers (a closed port). The count lives outside `this` because credential
 * helpers call `authenticate` unbound.
 */
export function countingCredential(): { type: ICredentialType; calls: () => number } {
	let calls = 0;
	const type = new AgileTelecomApi();
	const real = type.authenticate.bind(type);
	type.authenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
		calls++;
		return await real(credentials, requestOptions);
	};
	return { type, calls: () => calls };
}

export interface ProbeOptions {
	credentials: ICredentialDataDecryptedObject;
	/** Node parameters, e.g. `{ retry: { maxRetries: 1 } }`. */
	parameters?: INodeParameters;
	abortSignal?: AbortSignal;
	/** Replaces the credential type (e.g. a `CountingCredential`). */
	credentialType?: ICredentialType;
}

/** Calls `fn` with a real ExecuteContext whose node uses the Agile Telecom credential; returns what `fn` returns. */
export async function inContext<T>(options: ProbeOptions, fn: (ctx: IExecuteFunctions) => Promise<T>): Promise<T> {
	let result: { value: T } | undefined;
	const probe: INodeType = {
		description: {
			displayName: 'Transport Probe',
			name: 'transportProbe',
			group: ['transform'],
			version: 1,
			description: 'Runs a transport test inside a real execution context',
			defaults: { name: 'Agile Telecom' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: CREDENTIAL_TYPE, required: true }],
			properties: [...retryFields],
		},
		async execute(this: IExecuteFunctions) {
			result = { value: await fn(this) };
			return [[]];
		},
	};
	await executeBare({
		node: { parameters: options.parameters ?? {} },
		credentials: { [CREDENTIAL_TYPE]: options.credentials },
		nodeType: probe,
		abortSignal: options.abortSignal,
		...(options.credentialType ? { credentialTypes: { [CREDENTIAL_TYPE]: options.credentialType } } : {}),
	});
	if (!result) throw new Error('The probe did not run');
	return result.value;
}
