/** The Pyrus credential type: token exchange, Bearer header, API address, test request. */
import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { PyrusApi } from '../../credentials/PyrusApi.credentials';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import { credentialExpressionResolver } from '../harness';

const type = new PyrusApi();

const resolveKeys = credentialExpressionResolver('n8n-nodes-crm-tasks.pyrus', new Pyrus());

function resolve(expression: string, credentials: ICredentialDataDecryptedObject): unknown {
	return resolveKeys(expression, { $credentials: credentials });
}

/** A stand-in for n8n's request helper that records the token request and answers it. */
function helper(answer: unknown): { helpers: IHttpRequestHelper; calls: IHttpRequestOptions[] } {
	const calls: IHttpRequestOptions[] = [];
	const helpers = {
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				calls.push(options);
				if (answer instanceof Error) throw answer;
				return answer;
			},
		},
	} as unknown as IHttpRequestHelper;
	return { helpers, calls };
}

describe('Pyrus credential', () => {
	it('keeps the token in a hidden expirable field, and the key masked', () => {
		const token = type.properties.find((p) => p.name === 'accessToken');
		expect(token).toMatchObject({ type: 'hidden', typeOptions: { expirable: true } });
		expect(type.properties.find((p) => p.name === 'secretKey')?.typeOptions?.password).toBe(true);
		expect(type.properties.find((p) => p.name === 'apiUrl')?.type).toBe('hidden');
	});

	it('exchanges login and key at the cloud accounts host, keeping the api_url', async () => {
		const { helpers, calls } = helper({ access_token: 'tok', api_url: 'https://api.pyrus.com/v4/' });

		const out = await type.preAuthentication.call(helpers, { login: ' bot@x ', secretKey: 'k', personId: '' });

		expect(calls).toEqual([{ method: 'POST', url: 'https://accounts.pyrus.com/api/v4/auth', body: { login: 'bot@x', security_key: 'k' }, json: true }]);
		expect(out).toEqual({ accessToken: 'tok', apiUrl: 'https://api.pyrus.com/v4/' });
	});

	it('exchanges them at /auth of an on-premise server', async () => {
		const { helpers, calls } = helper({ access_token: 'tok' });

		const out = await type.preAuthentication.call(helpers, { login: 'a@b.c', secretKey: 'k', personId: '16900', serverUrl: 'https://pyrus.example.com/api/v4/' });

		expect(calls[0]).toMatchObject({ url: 'https://pyrus.example.com/api/v4/auth', body: { login: 'a@b.c', security_key: 'k', person_id: 16900 } });
		expect(out).toEqual({ accessToken: 'tok', apiUrl: '' });
	});

	it('refuses an answer without a token', async () => {
		const { helpers } = helper({});
		await expect(type.preAuthentication.call(helpers, { login: 'a', secretKey: 'k' })).rejects.toThrow('without an access token');
	});

	it('turns a refused token request into an error without the request (and its key)', async () => {
		const failure = Object.assign(new Error('Request failed with status code 401'), {
			config: { data: '{"security_key":"k-secret"}' },
			response: { status: 401, headers: {}, data: { error: 'Invalid login', error_code: 'invalid_credentials' } },
		});
		const { helpers } = helper(failure);

		const error = (await type.preAuthentication.call(helpers, { login: 'a', secretKey: 'k-secret' }).catch((e: unknown) => e)) as Error & {
			response?: { status?: number; data?: unknown };
			httpCode?: string;
			cause?: { response?: { status?: number } };
		};

		expect(error.message).toBe('Pyrus refused the token request: Invalid login (invalid_credentials)');
		// No `response.status`: n8n would take the error for an expired token and ask again.
		expect(error.response?.status).toBeUndefined();
		expect(error.cause?.response?.status).toBe(401);
		// What n8n 1.x's NodeApiError keeps of it (it drops the cause).
		expect(error.httpCode).toBe('401');
		expect(error.response?.data).toEqual({ error: 'Invalid login', error_code: 'invalid_credentials' });
		expect(JSON.stringify({ ...error, cause: error.cause })).not.toContain('k-secret');
	});

	it('adds the Bearer token and moves a request built for the configured API to the announced one', async () => {
		const credentials = { accessToken: 'tok', apiUrl: 'https://eu.api.pyrus.com/v4/' };

		const moved = await type.authenticate(credentials, { url: 'https://api.pyrus.com/v4/tasks/1', method: 'GET', headers: { Accept: 'application/json' } });
		const test = await type.authenticate(credentials, { baseURL: 'https://api.pyrus.com/v4', url: '/profile' });
		const already = await type.authenticate(credentials, { url: 'https://eu.api.pyrus.com/v4/tasks/1' });

		expect(moved).toEqual({
			url: 'https://eu.api.pyrus.com/v4/tasks/1',
			method: 'GET',
			headers: { Accept: 'application/json', Authorization: 'Bearer tok' },
		});
		expect(test).toMatchObject({ baseURL: 'https://eu.api.pyrus.com/v4', url: '/profile' });
		expect(already.url).toBe('https://eu.api.pyrus.com/v4/tasks/1');
	});

	it.each([
		[{}, 'https://api.pyrus.com/v4'],
		[{ apiUrl: 'https://api.pyrus.com/v4/' }, 'https://api.pyrus.com/v4'],
		[{ serverUrl: ' https://pyrus.example.com/api/v4/ ' }, 'https://pyrus.example.com/api/v4'],
		[{ serverUrl: 'http://127.0.0.1:4321/api/v4' }, 'http://127.0.0.1:4321/api/v4'],
	])('tests %j with GET %s/profile', (credentials, base) => {
		expect(resolve(String(type.test.request.baseURL), { apiUrl: '', serverUrl: '', ...credentials })).toBe(base);
		expect(type.test.request.url).toBe('/profile');
	});
});
