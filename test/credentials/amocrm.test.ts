/** The amoCRM credential types: expressions resolved by n8n's own expression engine. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { AmoCrmApi, amoCrmCredentialTest } from '../../credentials/AmoCrmApi.credentials';
import { AmoCrmOAuth2Api } from '../../credentials/AmoCrmOAuth2Api.credentials';
import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { credentialExpressionResolver } from '../harness';

const resolve = credentialExpressionResolver('n8n-nodes-crm-tasks.amoCrm', new AmoCrm());

function defaultOf(type: AmoCrmApi | AmoCrmOAuth2Api, name: string): string {
	const property = type.properties.find((p) => p.name === name);
	if (!property) throw new Error(`no property ${name}`);
	return String(property.default);
}

describe('amoCRM credentials', () => {
	it.each([
		[{ domain: 'amocrm.ru', subdomain: 'acme' }, 'https://acme.amocrm.ru'],
		[{ domain: 'kommo.com', subdomain: 'acme' }, 'https://acme.kommo.com'],
		[{ domain: 'custom', baseUrl: 'https://acme.kommo.com/' }, 'https://acme.kommo.com'],
		[{ domain: 'custom', baseUrl: ' https://acme.kommo.com/leads/pipeline/?x=1 ' }, 'https://acme.kommo.com'],
		[{ domain: 'amocrm.ru', subdomain: ' Acme ' }, 'https://acme.amocrm.ru'],
		[{ domain: 'custom', baseUrl: 'http://127.0.0.1:4010' }, 'http://127.0.0.1:4010'],
	])('tests %j against %s', (credentials, base) => {
		expect(resolve(String(amoCrmCredentialTest.request.baseURL), { $credentials: credentials })).toBe(base);
		expect(amoCrmCredentialTest.request.url).toBe('/api/v4/account');
	});

	it('sends the long-lived token as a Bearer header', () => {
		const type = new AmoCrmApi();
		const header = type.authenticate.properties.headers?.Authorization;
		expect(resolve(String(header), { $credentials: { accessToken: 'abc' } })).toBe('Bearer abc');
		expect(type.properties.find((p) => p.name === 'accessToken')?.typeOptions?.password).toBe(true);
	});

	it('points OAuth2 at the brand\'s authorize page and the account\'s token endpoint', () => {
		const type = new AmoCrmOAuth2Api();
		expect(type.extends).toEqual(['oAuth2Api']);
		const self = (data: ICredentialDataDecryptedObject) => ({ $self: data });
		expect(resolve(defaultOf(type, 'authUrl'), self({ domain: 'kommo.com' }))).toBe('https://www.kommo.com/oauth');
		expect(resolve(defaultOf(type, 'authUrl'), self({ domain: 'amocrm.ru' }))).toBe('https://www.amocrm.ru/oauth');
		expect(resolve(defaultOf(type, 'accessTokenUrl'), self({ domain: 'amocrm.ru', subdomain: 'acme' }))).toBe(
			'https://acme.amocrm.ru/oauth2/access_token',
		);
		expect(
			resolve(defaultOf(type, 'accessTokenUrl'), self({ domain: 'custom', baseUrl: 'https://acme.kommo.com/' })),
		).toBe('https://acme.kommo.com/oauth2/access_token');
		expect(
			resolve(defaultOf(type, 'accessTokenUrl'), self({ domain: 'custom', baseUrl: 'https://acme.kommo.com/leads/' })),
		).toBe('https://acme.kommo.com/oauth2/access_token');
	});
});
