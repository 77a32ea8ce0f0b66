import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { scopeList } from './Bitrix24/scopes';
import { bitrix24PlanProperty } from './Bitrix24WebhookApi.credentials';

const portalOrigin = '$self["portalUrl"].trim().replace(/^(https?:\\/\\/[^\\/?#]+).*$/, "$1")';

/**
 * A Bitrix24 local or Market application. Bitrix24 issues and refreshes its tokens on
 * oauth.bitrix.info for every portal, self-hosted ones included.
 */
export class Bitrix24OAuth2Api implements ICredentialType {
	name = 'bitrix24OAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Bitrix24 OAuth2 API';

	documentationUrl = 'https://apidocs.bitrix24.com/settings/oauth/index.html';

	icon = { light: 'file:bitrix24.svg', dark: 'file:bitrix24.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Portal URL',
			name: 'portalUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://your-portal.bitrix24.com',
			description: 'The address of the Bitrix24 portal (cloud or self-hosted) where the application is installed',
		},
		bitrix24PlanProperty,
		{
			displayName: `Give the application these scopes in its card in Bitrix24: ${scopeList()}. Requests carry the token as the auth parameter, as Bitrix24 documents it.`,
			name: 'scopeNotice',
			type: 'notice',
			default: '',
		},
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
			default: `={{(${portalOrigin}) + "/oauth/authorize/"}}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://oauth.bitrix.info/oauth/token/',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// The application's card in Bitrix24 holds its scopes.
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	/**
	 * n8n tests OAuth2 credentials only with this request. The token goes as the `auth` body
	 * field, the way Bitrix24 documents it
	 * (https://apidocs.bitrix24.com/settings/how-to-call-rest-api/authorization.html); `scope` needs no
	 * scope of its own (https://apidocs.bitrix24.com/api-reference/common/system/scope.html).
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{${portalOrigin.replace(/\$self/g, '$credentials')}}}`,
			url: '/rest/scope',
			method: 'POST',
			body: { auth: '={{$credentials.oauthTokenData.access_token}}' },
		},
	};
}
