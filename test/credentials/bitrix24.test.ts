/** The Bitrix24 credential types: the webhook URL parser, authenticate, and expressions resolved by n8n. */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { Bitrix24OAuth2Api } from '../../credentials/Bitrix24OAuth2Api.credentials';
import { Bitrix24WebhookApi, parseBitrix24Webhook } from '../../credentials/Bitrix24WebhookApi.credentials';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { credentialExpressionResolver } from '../harness';

const resolve = credentialExpressionResolver('n8n-nodes-crm-tasks.bitrix24', new Bitrix24());

describe('Bitrix24 webhook credential', () => {
	it.each([
		['https://acme.bitrix24.com/rest/1/abcdefgh12345678/', { origin: 'https://acme.bitrix24.com', userId: '1', secret: 'abcdefgh12345678' }],
		[' https://crm.company.example:8443/rest/27/k3j4h5g6/profile.json ', { origin: 'https://crm.company.example:8443', userId: '27', secret: 'k3j4h5g6' }],
		['http://127.0.0.1:4010/rest/1/sandboxsecret1234', { origin: 'http://127.0.0.1:4010', userId: '1', secret: 'sandboxsecret1234' }],
	])('splits %s into portal, user and secret (self-hosted hosts too)', (url, parts) => {
		expect(parseBitrix24Webhook(url)).toEqual(parts);
	});

	it.each([
		['not a url', 'Webhook URL is not a URL'],
		['https://acme.bitrix24.com/rest/1/', 'Webhook URL must look like'],
		['https://acme.bitrix24.com/crm/deal/', 'Webhook URL must look like'],
		['http://acme.bitrix24.com/rest/1/q1w2e3r4t5y6/', 'Webhook URL must start with https://'],
		['https://acme.bitrix24.com/rest/x/q1w2e3r4t5y6/', 'Webhook URL must look like'],
	])('rejects %s without repeating it', (url, problem) => {
		const parsed = parseBitrix24Webhook(url) as { problem: string };
		expect(parsed.problem.startsWith(problem)).toBe(true);
		expect(parsed.problem).not.toContain('q1w2e3r4t5y6');
	});

	it('puts user and secret into /rest/ and /rest/api/ paths, once only', async () => {
		const type = new Bitrix24WebhookApi();
		const credentials = { webhookSecretUrl: 'https://acme.bitrix24.com/rest/7/s3cr3tvalue/' };
		const sign = async (url: string) => (await type.authenticate(credentials, { url, method: 'POST' } as IHttpRequestOptions)).url;
		expect(await sign('https://acme.bitrix24.com/rest/tasks.task.get')).toBe('https://acme.bitrix24.com/rest/7/s3cr3tvalue/tasks.task.get');
		expect(await sign('https://acme.bitrix24.com/rest/api/tasks.task.chat.message.send')).toBe('https://acme.bitrix24.com/rest/api/7/s3cr3tvalue/tasks.task.chat.message.send');
		expect(await sign('https://acme.bitrix24.com/rest/7/s3cr3tvalue/profile')).toBe('https://acme.bitrix24.com/rest/7/s3cr3tvalue/profile');
		expect(await sign('/rest/profile')).toBe('/rest/7/s3cr3tvalue/profile');
		expect(type.properties.find((p) => p.name === 'webhookSecretUrl')?.typeOptions?.password).toBe(true);
	});

	it('is tested by the node\'s scope check, not by a fixed request (n8n prefers a type\'s own test)', () => {
		expect('test' in new Bitrix24WebhookApi()).toBe(false);
		expect(new Bitrix24().description.credentials?.find((credential) => credential.name === 'bitrix24WebhookApi')?.testedBy).toBe('bitrix24CredentialTest');
	});
});

describe('Bitrix24 OAuth2 credential', () => {
	it('authorises on the portal and gets tokens from oauth.bitrix.info', () => {
		const type = new Bitrix24OAuth2Api();
		expect(type.extends).toEqual(['oAuth2Api']);
		const authUrl = type.properties.find((p) => p.name === 'authUrl')!.default as string;
		expect(resolve(authUrl, { $self: { portalUrl: 'https://crm.company.example/some/page' } })).toBe('https://crm.company.example/oauth/authorize/');
		expect(type.properties.find((p) => p.name === 'accessTokenUrl')!.default).toBe('https://oauth.bitrix.info/oauth/token/');
		expect(resolve(String(type.test.request.baseURL), { $credentials: { portalUrl: 'https://acme.bitrix24.de/' } })).toBe('https://acme.bitrix24.de');
		expect(type.test.request).toMatchObject({ url: '/rest/scope', method: 'POST', body: { auth: '={{$credentials.oauthTokenData.access_token}}' } });
	});
});
