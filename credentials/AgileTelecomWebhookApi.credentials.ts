import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The shared secret of the Agile Telecom Trigger. Agile Telecom signs no callback, so the token in the URL it
 * calls (or in a proxy's X-Webhook-Token header) is what separates its requests from anyone else's. Kept in a
 * credential, it stays out of the workflow JSON, its exports and its shares.
 *
 * There is nothing to call to test it: the trigger checks the token itself (`testedBy` in the node).
 */
const properties: INodeProperties[] = [
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: 'e.g. 32 random letters and digits',
		description:
			'A long random value. Every callback must carry it as ?token=… in the URL you give Agile Telecom (Register Webhook Automatically adds it for Qlara), or as the X-Webhook-Token header; others get 401 and start nothing. Use letters, digits, "-", "_", "." and "~" so that the URL works as typed.',
	},
];

export class AgileTelecomWebhookApi implements ICredentialType {
	name = 'agileTelecomWebhookApi';

	displayName = 'Agile Telecom Webhook API';

	icon: Icon = {
		light: 'file:../nodes/AgileTelecom/agileTelecom.svg',
		dark: 'file:../nodes/AgileTelecom/agileTelecom.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-agiletelecom/n8n-nodes-agiletelecom#agile-telecom-trigger';

	properties = properties;
}
