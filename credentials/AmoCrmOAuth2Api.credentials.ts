import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { amoCrmCredentialTest, amoCrmHostProperties } from './AmoCrmApi.credentials';

const accountUrl =
	'$self["domain"] === "custom" ? $self["baseUrl"].trim().replace(/^(https?:\\/\\/[^\\/?#]+).*$/, "$1") : "https://" + $self["subdomain"].trim().toLowerCase() + "." + $self["domain"]';

export class AmoCrmOAuth2Api implements ICredentialType {
	name = 'amoCrmOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'amoCRM (Kommo) OAuth2 API';

	documentationUrl = 'https://www.amocrm.ru/developers/content/oauth/oauth';

	icon = { light: 'file:amocrm.svg', dark: 'file:amocrm.dark.svg' } as const;

	properties: INodeProperties[] = [
		...amoCrmHostProperties,
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{$self["domain"] === "kommo.com" ? "https://www.kommo.com/oauth" : $self["domain"] === "amocrm.com" ? "https://www.amocrm.com/oauth" : "https://www.amocrm.ru/oauth"}}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{(${accountUrl}) + "/oauth2/access_token"}}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'mode=post_message',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	test = amoCrmCredentialTest;
}
