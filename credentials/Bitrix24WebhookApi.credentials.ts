import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { scopeList } from './Bitrix24/scopes';
import { parseServiceUrl } from './shared/serviceUrl';

/** The parts of an inbound webhook URL: https://{portal}/rest/{user}/{secret}/ */
export interface Bitrix24Webhook {
	/** Scheme, host and port of the portal. */
	origin: string;
	userId: string;
	secret: string;
}

const WEBHOOK_PATH = /^\/rest\/(\d+)\/([A-Za-z0-9_]{4,})(?:\/(?:[a-z][a-z0-9_.]*)?)?$/i;

/**
 * Splits an inbound webhook URL, or says what is wrong with it. The problem never repeats the
 * URL: it holds the secret.
 */
export function parseBitrix24Webhook(raw: unknown): Bitrix24Webhook | { problem: string } {
	const text = typeof raw === 'string' ? raw.trim() : '';
	const example = 'https://your-portal.bitrix24.com/rest/1/abcdefgh12345678/';
	const url = parseServiceUrl(text);
	if (url === 'not a URL') return { problem: `Webhook URL is not a URL; copy it from Bitrix24, e.g. ${example}` };
	if (url === 'not HTTPS') return { problem: 'Webhook URL must start with https:// (Bitrix24 requires HTTPS)' };
	const match = WEBHOOK_PATH.exec(url.pathname);
	if (!match) {
		return {
			problem: `Webhook URL must look like ${example}: the portal, /rest/, the user id and the webhook secret`,
		};
	}
	return { origin: url.origin, userId: match[1], secret: match[2] };
}

/** Puts the webhook's user and secret into a /rest/ (or REST 3.0 /rest/api/) URL. */
export function webhookPathUrl(url: string, webhook: Bitrix24Webhook): string {
	const path = `${webhook.userId}/${webhook.secret}/`;
	// n8n authenticates a request again after a 401: never insert the path twice.
	if (url.includes(`/rest/${path}`) || url.includes(`/rest/api/${path}`)) return url;
	return url.replace(/\/rest\/(api\/)?/, `/rest/$1${path}`);
}

/** The request budget of the portal's plan, shared by both credential types. */
export const bitrix24PlanProperty: INodeProperties = {
	displayName: 'Plan',
	name: 'plan',
	type: 'options',
	options: [
		{ name: 'Standard (50 Requests Burst, 2 per Second)', value: 'standard' },
		{ name: 'Enterprise (250 Requests Burst, 5 per Second)', value: 'enterprise' },
	],
	default: 'standard',
	description: 'The request limit Bitrix24 applies to the portal; self-hosted portals may choose either',
};

export class Bitrix24WebhookApi implements ICredentialType {
	name = 'bitrix24WebhookApi';

	displayName = 'Bitrix24 Webhook API';

	documentationUrl = 'https://apidocs.bitrix24.com/local-integrations/local-webhooks.html';

	icon = { light: 'file:bitrix24.svg', dark: 'file:bitrix24.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook URL',
			name: 'webhookSecretUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'https://your-portal.bitrix24.com/rest/1/abcdefgh12345678/',
			description: `The inbound webhook URL from Bitrix24: Applications → Developer resources → Other → Incoming webhook. Scopes it needs: ${scopeList()}. The credential test lists the ones missing.`,
		},
		bitrix24PlanProperty,
	];

	/** The node sends to https://{portal}/rest/{method}; the webhook's user and secret go into the path here. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const webhook = parseBitrix24Webhook(credentials.webhookSecretUrl);
		if ('problem' in webhook) return requestOptions;
		return { ...requestOptions, url: webhookPathUrl(requestOptions.url, webhook) };
	}

	// Tested by the node's `bitrix24CredentialTest`: it reads the granted scopes and names the missing ones.
}
