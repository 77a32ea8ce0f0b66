/**
 * The OAuth2 credential path: requests signed with the stored access token; a 401 leads to a
 * refresh at the account's own /oauth2/access_token and one retry (n8n-core's OAuth2 path).
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { engineHas, REQUESTS_BEFORE_REAUTHENTICATION, type CredentialDataMap } from '../harness';
import { API, HOST, amo, amoTask, halList, lines, record, runAmo, useAmoEnvironment } from './fixtures';

useAmoEnvironment();

const ACCESS_1 = 'oauth-access-1-c0ffee1234';
const ACCESS_2 = 'oauth-access-2-beef5678';
const REFRESH_1 = 'oauth-refresh-1-a1b2c3d4';
const REFRESH_2 = 'oauth-refresh-2-e5f6a7b8';
const CLIENT_SECRET = 'client-secret-9z8y7x';

function oauthCredentials(overrides: ICredentialDataDecryptedObject = {}): CredentialDataMap {
	return {
		amoCrmOAuth2Api: {
			domain: 'amocrm.ru',
			subdomain: 'acme',
			clientId: 'client-id-1',
			clientSecret: CLIENT_SECRET,
			oauthTokenData: { access_token: ACCESS_1, refresh_token: REFRESH_1, token_type: 'Bearer' },
			...overrides,
		},
	};
}

const GET_TASK_5 = {
	authentication: 'oAuth2',
	resource: 'task',
	operation: 'get',
	taskId: { __rl: true, mode: 'id', value: '5' },
};

const refreshed = {
	token_type: 'Bearer',
	expires_in: 86400,
	server_time: 1700000000,
	access_token: ACCESS_2,
	refresh_token: REFRESH_2,
};

describe('OAuth2 credential', () => {
	it('signs requests with the stored access token', async () => {
		const scope = amo().get(`${API}/tasks/5`).reply(200, amoTask(5));
		const log = record(scope);

		const result = await runAmo(GET_TASK_5, { credentials: oauthCredentials() });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`]);
		expect(log.requests[0].headers.authorization).toBe(`Bearer ${ACCESS_1}`);
		expect(result.credentialUpdates).toEqual([]);
		expect(result.items).toEqual([{ json: amoTask(5), pairedItem: { item: 0 } }]);
	});

	it('on a 401, refreshes at the account\'s token endpoint, stores the new pair and retries', async () => {
		const api = amo()
			.get(`${API}/tasks/5`)
			.times(REQUESTS_BEFORE_REAUTHENTICATION)
			.reply(401, { title: 'Unauthorized', status: 401, detail: 'Token expired' })
			.get(`${API}/tasks/5`)
			.reply(200, amoTask(5));
		const token = nock(HOST).post('/oauth2/access_token').reply(200, refreshed);
		const log = record(api, token);
		const credentials = oauthCredentials();

		const result = await runAmo(GET_TASK_5, { credentials });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization ?? '-'}`)).toEqual([
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`GET ${HOST}${API}/tasks/5 Bearer ${ACCESS_1}`),
			`POST ${HOST}/oauth2/access_token -`,
			`GET ${HOST}${API}/tasks/5 Bearer ${ACCESS_2}`,
		]);
		expect(log.requests[REQUESTS_BEFORE_REAUTHENTICATION].body).toEqual({
			grant_type: 'refresh_token',
			refresh_token: REFRESH_1,
			client_id: 'client-id-1',
			client_secret: CLIENT_SECRET,
		});
		expect(result.credentialUpdates).toEqual([
			expect.objectContaining({ type: 'amoCrmOAuth2Api', kind: 'oauthTokenData' }),
		]);
		expect(credentials.amoCrmOAuth2Api.oauthTokenData).toMatchObject({
			access_token: ACCESS_2,
			refresh_token: REFRESH_2,
		});
		expect(result.items).toEqual([{ json: amoTask(5), pairedItem: { item: 0 } }]);
	});

	it('refreshes on the Kommo host for a kommo.com account', async () => {
		const api = nock('https://acme.kommo.com')
			.get(`${API}/tasks/5`)
			.times(REQUESTS_BEFORE_REAUTHENTICATION)
			.reply(401, {})
			.get(`${API}/tasks/5`)
			.reply(200, amoTask(5))
			.post('/oauth2/access_token')
			.reply(200, refreshed);
		const log = record(api);

		const result = await runAmo(GET_TASK_5, { credentials: oauthCredentials({ domain: 'kommo.com' }) });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`GET https://acme.kommo.com${API}/tasks/5`),
			'POST https://acme.kommo.com/oauth2/access_token',
			`GET https://acme.kommo.com${API}/tasks/5`,
		]);
		expect(log.requests.at(-1)!.headers.authorization).toBe(`Bearer ${ACCESS_2}`);
	});

	it('a bulk create refused with 401 is sent again with the new token (the 401 means nothing was written)', async () => {
		const api = amo()
			.post(`${API}/tasks`)
			.times(REQUESTS_BEFORE_REAUTHENTICATION)
			.reply(401, {})
			.post(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 90, request_id: '1' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(90)]));
		const token = nock(HOST).post('/oauth2/access_token').reply(200, refreshed);
		const log = record(api, token);

		const result = await runAmo(
			{ authentication: 'oAuth2', resource: 'task', operation: 'create', text: 'Call', completeTill: '2026-03-01T12:00:00Z' },
			{ credentials: oauthCredentials() },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		const resent = REQUESTS_BEFORE_REAUTHENTICATION + 1;
		expect(lines(log)).toEqual([
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`POST ${API}/tasks`),
			'POST /oauth2/access_token',
			`POST ${API}/tasks`,
			`GET ${API}/tasks`,
		]);
		expect(log.requests[0].body).toEqual(log.requests[resent].body);
		expect(log.requests[resent].body).toEqual([{ text: 'Call', complete_till: 1772366400, request_id: '1' }]);
		expect(log.requests[resent + 1].headers.authorization).toBe(`Bearer ${ACCESS_2}`);
		expect(result.items).toEqual([{ json: amoTask(90), pairedItem: { item: 0 } }]);
	});

	/**
	 * n8n 1.x sends one more request after the refresh: when its refreshed retry fails too, its
	 * generic 401 path resends the request once more; the error is the same.
	 */
	it('a 401 after the refresh fails with the reconnect hint and leaks no token or secret', async () => {
		const afterRefresh = engineHas('reauthenticatesIgnoringStatuses') ? 1 : 2;
		const api = amo()
			.get(`${API}/tasks/5`)
			.times(REQUESTS_BEFORE_REAUTHENTICATION + afterRefresh)
			.reply(401, {
				title: 'Unauthorized',
				status: 401,
				detail: `Token ${ACCESS_2} revoked`,
				hint: 'Token has been revoked',
			});
		const token = nock(HOST).post('/oauth2/access_token').reply(200, refreshed);
		const log = record(api, token);

		const result = await runAmo(GET_TASK_5, { credentials: oauthCredentials() });

		log.stop();
		expect(lines(log)).toEqual([
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`GET ${API}/tasks/5`),
			'POST /oauth2/access_token',
			...Array(afterRefresh).fill(`GET ${API}/tasks/5`),
		]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '401',
			message: 'amoCRM: Unauthorized: Token *** revoked',
		});
		expect(result.error!.description).toContain('reconnect the OAuth2 credential');
		const stored = JSON.stringify({ ...result, credentials: undefined, credentialUpdates: undefined });
		for (const secret of [ACCESS_1, ACCESS_2, REFRESH_1, REFRESH_2, CLIENT_SECRET]) {
			expect(stored).not.toContain(secret);
		}
	});

	it('a later item\'s error masks the token refreshed for an earlier item', async () => {
		const api = amo()
			.get(`${API}/tasks/5`)
			.times(REQUESTS_BEFORE_REAUTHENTICATION)
			.reply(401, {})
			.get(`${API}/tasks/5`)
			.reply(200, amoTask(5))
			.get(`${API}/tasks/6`)
			.reply(404, { title: 'Not Found', status: 404, detail: `No task 6 for ${ACCESS_2} / ${REFRESH_2}` });
		const token = nock(HOST).post('/oauth2/access_token').reply(200, refreshed);
		const log = record(api, token);

		const result = await runAmo(
			{ ...GET_TASK_5, taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ credentials: oauthCredentials(), input: [{ id: 5 }, { id: 6 }], continueOnFail: true },
		);

		log.stop();
		expect(lines(log)).toEqual([
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`GET ${API}/tasks/5`),
			'POST /oauth2/access_token',
			`GET ${API}/tasks/5`,
			`GET ${API}/tasks/6`,
		]);
		expect(log.requests.at(-1)!.headers.authorization).toBe(`Bearer ${ACCESS_2}`);
		expect(result.items).toEqual([
			{ json: amoTask(5), pairedItem: { item: 0 } },
			{
				json: { error: 'amoCRM: Not Found: No task 6 for *** / ***', description: expect.stringContaining('answered 404') },
				pairedItem: { item: 1 },
			},
		]);
		const stored = JSON.stringify({ ...result, credentials: undefined, credentialUpdates: undefined });
		for (const secret of [ACCESS_2, REFRESH_2]) expect(stored).not.toContain(secret);
	});
});
