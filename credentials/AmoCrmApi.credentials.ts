import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** The account's host: subdomain on amocrm.ru / kommo.com, or a full URL. Shared with the OAuth2 type. */
export const amoCrmHostProperties: INodeProperties[] = [
	{
		displayName: 'Account Domain',
		name: 'domain',
		type: 'options',
		options: [
			{ name: 'amoCRM (amocrm.ru)', value: 'amocrm.ru' },
			{ name: 'Kommo (kommo.com)', value: 'kommo.com' },
			{ name: 'amoCRM International (amocrm.com)', value: 'amocrm.com' },
			{ name: 'Full URL', value: 'custom' },
		],
		default: 'amocrm.ru',
	},
	{
		displayName: 'Subdomain',
		name: 'subdomain',
		type: 'string',
		default: '',
		placeholder: 'mycompany',
		description: 'The first part of your account address: "mycompany" for https://mycompany.amocrm.ru',
		displayOptions: { hide: { domain: ['custom'] } },
	},
	{
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://mycompany.kommo.com',
		description: 'The full address of the account, without /api/v4',
		displayOptions: { show: { domain: ['custom'] } },
	},
];

/** Credential test shared by both amoCRM credential types: the cheapest authenticated call. */
export const amoCrmCredentialTest: ICredentialTestRequest = {
	request: {
		// The same host the nodes use: the origin of a full URL, or the trimmed, lower-case subdomain.
		baseURL:
			'={{$credentials.domain === "custom" ? $credentials.baseUrl.trim().replace(/^(https?:\\/\\/[^\\/?#]+).*$/, "$1") : "https://" + $credentials.subdomain.trim().toLowerCase() + "." + $credentials.domain}}',
		url: '/api/v4/account',
		method: 'GET',
	},
};

export class AmoCrmApi implements ICredentialType {
	name = 'amoCrmApi';

	displayName = 'amoCRM (Kommo) Long-Lived Token API';

	documentationUrl = 'https://www.amocrm.ru/developers/content/oauth/step-by-step';

	icon = { light: 'file:amocrm.svg', dark: 'file:amocrm.dark.svg' } as const;

	properties: INodeProperties[] = [
		...amoCrmHostProperties,
		{
			displayName: 'Long-Lived Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'In amoCRM: Settings → Integrations → your private integration → Keys and scopes → Generate long-lived token',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	test = amoCrmCredentialTest;
}
