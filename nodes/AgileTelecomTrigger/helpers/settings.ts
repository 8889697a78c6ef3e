import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isValidTimeZone } from './times';

/** The credential type that holds the webhook token (credentials/AgileTelecomWebhookApi.credentials.ts). */
export const WEBHOOK_CREDENTIAL = 'agileTelecomWebhookApi';

/**
 * How callbacks prove they come from Agile Telecom (which signs nothing):
 * - `tokenCredential`: the token of an Agile Telecom Webhook credential (default from node version 1.1);
 * - `secretTokenField`: the Secret Token node parameter of version 1, kept so existing workflows keep working,
 *   although it is stored in the workflow JSON and exported with it;
 * - `none`: no check.
 */
export type Authentication = 'tokenCredential' | 'secretTokenField' | 'none';

export const DEFAULT_INBOUND_TIME_ZONE = 'Europe/Rome';

/** Shortest token the credential test calls strong enough to resist guessing. */
export const MIN_TOKEN_LENGTH = 16;
/** Characters that need no percent-encoding in a query string (RFC 3986 "unreserved"). */
const URL_SAFE = /^[A-Za-z0-9._~-]+$/;

type TriggerContext = IWebhookFunctions | IHookFunctions;

function credentialToken(credentials: ICredentialDataDecryptedObject): string {
	return typeof credentials.token === 'string' ? credentials.token.trim() : '';
}

/** The token every callback must carry, or undefined when the node is set to check none. */
export async function expectedToken(ctx: TriggerContext): Promise<string | undefined> {
	const authentication = ctx.getNodeParameter('authentication', 'secretTokenField') as Authentication;
	if (authentication === 'tokenCredential') {
		const token = credentialToken(await ctx.getCredentials(WEBHOOK_CREDENTIAL));
		if (token === '') {
			throw new NodeOperationError(ctx.getNode(), 'The Agile Telecom Webhook credential has an empty Token', {
				description: 'Open the credential and enter a long random token, or set Authentication to None (not recommended).',
			});
		}
		return token;
	}
	if (authentication === 'none') return undefined;
	const legacy = ctx.getNodeParameter('secretToken', '') as string;
	return legacy === '' ? undefined : legacy;
}

/** The Inbound Time Zone option, or the default when it is left empty. */
export function inboundTimeZone(ctx: TriggerContext): string {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const zone = typeof options.inboundTimeZone === 'string' ? options.inboundTimeZone.trim() : '';
	return zone === '' ? DEFAULT_INBOUND_TIME_ZONE : zone;
}

/**
 * What must hold before the workflow may be activated (or listen for a test event): n8n shows this error as the
 * activation error, naming the field, instead of the node failing later on every inbound SMS.
 */
export async function assertActivatable(ctx: IHookFunctions): Promise<void> {
	const zone = inboundTimeZone(ctx);
	if (!isValidTimeZone(zone)) {
		throw new NodeOperationError(ctx.getNode(), `Inbound Time Zone "${zone}" is not a time zone`, {
			description:
				'Use an IANA time zone name such as Europe/Rome, Europe/London or UTC. Agile Telecom sends the time of an inbound SMS without a zone, and this option says which one it is.',
		});
	}
	await expectedToken(ctx);
}

/** The credential's Test button: checks the token itself, since there is nothing to call. */
export async function testWebhookToken(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const token = credentialToken(credential.data ?? {});
	if (token === '') return { status: 'Error', message: 'Enter a token.' };
	if (token.length < MIN_TOKEN_LENGTH) {
		return {
			status: 'Error',
			message: `The token has ${token.length} characters. Use at least ${MIN_TOKEN_LENGTH} random letters and digits, so that nobody can guess it.`,
		};
	}
	if (!URL_SAFE.test(token)) {
		return {
			status: 'Error',
			message:
				'The token contains characters that change meaning in a URL. Use only letters, digits, "-", "_", "." and "~", so that the ?token= you paste in the Agile Telecom portal works as typed.',
		};
	}
	return {
		status: 'OK',
		message: 'The token is usable. Append ?token=YOUR_TOKEN to the Production URL you give Agile Telecom.',
	};
}
