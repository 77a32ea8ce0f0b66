/** The MoySklad credential: auth header, test request (n8n's expression engine), and checks. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { MOYSKLAD_API_URL, MoySkladApi } from '../../credentials/MoySkladApi.credentials';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { moySkladCredentialProblem, moySkladProfile } from '../../nodes/MoySklad/api';
import { credentialExpressionResolver } from '../harness';

const resolveKeys = credentialExpressionResolver('n8n-nodes-crm-tasks.moySklad', new MoySklad());

function resolve(expression: string, credentials: ICredentialDataDecryptedObject): unknown {
	return resolveKeys(expression, { $credentials: credentials });
}

describe('MoySklad credential', () => {
	const type = new MoySkladApi();

	it('sends a token as Bearer and a login as Basic', async () => {
		const token = await type.authenticate({ authType: 'token', accessToken: ' abc ' }, { url: '/x', headers: { A: '1' } });
		expect(token.headers).toEqual({ A: '1', Authorization: 'Bearer abc' });
		const basic = await type.authenticate({ authType: 'basic', login: 'admin@acme', password: 'пароль:1' }, { url: '/x' });
		expect(basic.headers).toEqual({ Authorization: `Basic ${Buffer.from('admin@acme:пароль:1', 'utf8').toString('base64')}` });
	});

	it('tests with GET /context/employee and gzip, never POST /security/token', () => {
		expect(type.test.request).toMatchObject({ url: '/context/employee', method: 'GET', headers: { 'Accept-Encoding': 'gzip' } });
		expect(JSON.stringify(type)).not.toContain('security/token');
		expect(resolve(String(type.test.request.baseURL), {})).toBe(MOYSKLAD_API_URL);
		expect(resolve(String(type.test.request.baseURL), { baseUrl: 'http://127.0.0.1:4010/api/remap/1.2/' })).toBe(
			'http://127.0.0.1:4010/api/remap/1.2',
		);
	});

	it('keeps secrets out of sight', () => {
		for (const name of ['accessToken', 'password']) {
			expect(type.properties.find((p) => p.name === name)?.typeOptions?.password).toBe(true);
		}
		const secrets = moySkladProfile().secrets({ authType: 'basic', login: 'admin@acme', password: 'secret-pass' });
		expect(secrets).toEqual(['secret-pass', Buffer.from('admin@acme:secret-pass').toString('base64')]);
	});

	it.each([
		[{ accessToken: 't' }, undefined],
		[{ accessToken: 't', baseUrl: 'http://127.0.0.1:4010/api/remap/1.2' }, undefined],
		[{ accessToken: 't', baseUrl: 'http://api.moysklad.ru/api/remap/1.2' }, 'must start with https://'],
		[{ accessToken: 't', baseUrl: 'https://online.moysklad.ru/api/remap/1.2' }, 'no longer serves JSON API 1.2'],
		[{ accessToken: ' ' }, 'Access Token is empty'],
		[{ authType: 'basic', login: 'a@b', password: '' }, 'Password is empty'],
	])('credential %j: %s', (credentials, problem) => {
		const found = moySkladCredentialProblem(credentials as ICredentialDataDecryptedObject);
		if (problem === undefined) expect(found).toBeUndefined();
		else expect(found).toContain(problem);
	});

	it('paces by the request cost: 45 units per 3 s, at most 5 in flight', () => {
		expect(moySkladProfile(4).rateLimit).toMatchObject({ maxInFlight: 5, window: { limit: 11, windowMs: 3000 } });
		expect(moySkladProfile(3).rateLimit.window).toEqual({ limit: 15, windowMs: 3000 });
		expect(moySkladProfile(2).rateLimit.window).toEqual({ limit: 22, windowMs: 3000 });
		expect(moySkladProfile(4).defaultHeaders).toMatchObject({ 'Accept-Encoding': 'gzip' });
	});
});
