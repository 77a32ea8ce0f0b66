/**
 * Pyrus token exchange through n8n-core: the first call fetches a token in preAuthentication,
 * later calls reuse it, an expired token is renewed once and the request repeated once, never
 * more; calls follow the api_url the token came with; on-premise servers get both calls.
 */
import nock from 'nock';

import { REQUESTS_BEFORE_REAUTHENTICATION, REQUESTS_FOR_A_REFUSED_TOKEN } from '../harness';

import {
	API,
	API_HOST,
	AUTH_HOST,
	BEARER,
	LOGIN,
	SECRET_KEY,
	TOKEN,
	byId,
	lines,
	pyrusCredentials,
	pyrusError,
	record,
	runPyrus,
	simpleTask,
	stored,
	usePyrusEnvironment,
} from './fixtures';

usePyrusEnvironment();

const get = (id: string) => ({ resource: 'task', operation: 'get', taskId: byId(id) });
const fresh = () => pyrusCredentials({ accessToken: '', apiUrl: '' });

describe('Pyrus token flow', () => {
	it('fetches a token on the first call and sends it to the api_url the answer named', async () => {
		const auth = nock(AUTH_HOST)
			.post('/api/v4/auth')
			.reply(200, { access_token: TOKEN, api_url: 'https://api.pyrus.com/v4/', files_url: 'https://files.pyrus.com/' });
		const scope = nock(API_HOST).get(`${API}/tasks/11613`).reply(200, { task: simpleTask(11613) });
		const log = record(auth, scope);
		const credentials = fresh();

		const result = await runPyrus(get('11613'), { credentials });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual(['POST /api/v4/auth', `GET ${API}/tasks/11613`]);
		expect(log.requests[0].body).toEqual({ login: LOGIN, security_key: SECRET_KEY });
		expect(log.requests[0].headers.authorization).toBeUndefined();
		expect(log.requests[1].headers.authorization).toBe(BEARER);
		expect(result.preAuthenticationCalls).toEqual([{ type: 'pyrusApi', forced: false, node: 'Node' }]);
		expect(credentials.pyrusApi).toMatchObject({ accessToken: TOKEN, apiUrl: 'https://api.pyrus.com/v4/' });
		expect(result.items).toEqual([{ json: simpleTask(11613), pairedItem: { item: 0 } }]);
	});

	it('reuses the stored token on the next run: no token request', async () => {
		const scope = nock(API_HOST).get(`${API}/tasks/1`).reply(200, { task: simpleTask(1) });
		const log = record(scope);

		const result = await runPyrus(get('1'));

		log.stop();
		expect(result.error).toBeUndefined();
		expect(result.preAuthenticationCalls).toEqual([]);
		expect(log.unmatched).toEqual([]);
		expect(log.requests.map((r) => r.headers.authorization)).toEqual([BEARER]);
	});

	it('renews an expired token once in the middle of a run and repeats only that request', async () => {
		const auth = nock(AUTH_HOST).post('/api/v4/auth').reply(200, { access_token: 'pyrus-renewed-token-55', api_url: 'https://api.pyrus.com/v4/' });
		const scope = nock(API_HOST)
			.get(`${API}/tasks/1`)
			.reply(200, { task: simpleTask(1) })
			.get(`${API}/tasks/2`)
			.times(REQUESTS_BEFORE_REAUTHENTICATION)
			.reply(401, pyrusError('expired_token', 'Authorization token has expired.'))
			.get(`${API}/tasks/2`)
			.reply(200, { task: simpleTask(2) })
			.get(`${API}/tasks/3`)
			.reply(200, { task: simpleTask(3) });
		const log = record(auth, scope);
		const credentials = pyrusCredentials();

		const result = await runPyrus(
			{ resource: 'task', operation: 'get', taskId: byId('={{ $json.id }}') },
			{ input: [{ id: 1 }, { id: 2 }, { id: 3 }], credentials },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([
			`GET ${API}/tasks/1`,
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`GET ${API}/tasks/2`),
			'POST /api/v4/auth',
			`GET ${API}/tasks/2`,
			`GET ${API}/tasks/3`,
		]);
		expect(log.requests.map((r) => r.headers.authorization)).toEqual([
			BEARER,
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(BEARER),
			undefined,
			'Bearer pyrus-renewed-token-55',
			'Bearer pyrus-renewed-token-55',
		]);
		expect(result.preAuthenticationCalls).toEqual([{ type: 'pyrusApi', forced: true, node: 'Node' }]);
		expect(credentials.pyrusApi.accessToken).toBe('pyrus-renewed-token-55');
		expect(result.items.map((item) => item.json.id)).toEqual([1, 2, 3]);
	});

	it('does not loop when the renewed token is refused too: one renewal, one repeat, then the error', async () => {
		const auth = nock(AUTH_HOST).post('/api/v4/auth').reply(200, { access_token: 'pyrus-renewed-token-56' });
		const scope = nock(API_HOST)
			.get(`${API}/tasks/2`)
			.times(REQUESTS_FOR_A_REFUSED_TOKEN)
			.reply(401, pyrusError('revoked_token', 'Authorization token has been revoked.'));
		const log = record(auth, scope);

		const result = await runPyrus(get('2'));

		log.stop();
		expect(lines(log)).toEqual([...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill(`GET ${API}/tasks/2`), 'POST /api/v4/auth', `GET ${API}/tasks/2`]);
		expect(log.unmatched).toEqual([]);
		expect(result.preAuthenticationCalls).toHaveLength(1);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Pyrus: Authorization token has been revoked. (revoked_token)',
			httpCode: '401',
		});
		expect(stored(result)).not.toContain(TOKEN);
		expect(stored(result)).not.toContain('pyrus-renewed-token-56');
	});

	it('surfaces refused credentials after one token request, without the key or a retry', async () => {
		const auth = nock(AUTH_HOST).post('/api/v4/auth').reply(401, pyrusError('invalid_credentials', 'Invalid login or security key.'));
		const log = record(auth);

		const result = await runPyrus(get('1'), { credentials: fresh() });

		log.stop();
		expect(lines(log)).toEqual(['POST /api/v4/auth']);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Pyrus: Invalid login or security key. (invalid_credentials)',
			httpCode: '401',
		});
		expect(String(result.error?.description)).toContain('Check the login and security key');
		expect(stored(result)).not.toContain(SECRET_KEY);
	});

	it('follows an api_url that differs from the default API, from the first call of the run on', async () => {
		const auth = nock(AUTH_HOST).post('/api/v4/auth').reply(200, { access_token: TOKEN, api_url: 'https://eu.api.pyrus.com/v4/' });
		const scope = nock('https://eu.api.pyrus.com')
			.get('/v4/tasks/1')
			.reply(200, { task: simpleTask(1) })
			.get('/v4/tasks/2')
			.reply(200, { task: simpleTask(2) });
		const log = record(auth, scope);
		const credentials = fresh();

		const first = await runPyrus(
			{ resource: 'task', operation: 'get', taskId: byId('={{ $json.id }}') },
			{ input: [{ id: 1 }, { id: 2 }], credentials },
		);
		const againScope = nock('https://eu.api.pyrus.com').get('/v4/tasks/3').reply(200, { task: simpleTask(3) });
		const again = record(againScope);
		const second = await runPyrus(get('3'), { credentials });

		log.stop();
		again.stop();
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(log.requests.map((r) => r.url)).toEqual([
			`${AUTH_HOST}/api/v4/auth`,
			'https://eu.api.pyrus.com/v4/tasks/1',
			'https://eu.api.pyrus.com/v4/tasks/2',
		]);
		expect(again.requests.map((r) => r.url)).toEqual(['https://eu.api.pyrus.com/v4/tasks/3']);
		expect(second.preAuthenticationCalls).toEqual([]);
	});

	it('sends the token request and the calls to an on-premise server, with the person id', async () => {
		const server = nock('https://pyrus.example.com')
			.post('/api/v4/auth')
			.reply(200, { access_token: TOKEN })
			.get('/api/v4/tasks/7')
			.reply(200, { task: simpleTask(7) });
		const log = record(server);
		const credentials = pyrusCredentials({ accessToken: '', apiUrl: '', serverUrl: ' https://pyrus.example.com/api/v4/ ', personId: '16900' });

		const result = await runPyrus(get('7'), { credentials });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
			'POST https://pyrus.example.com/api/v4/auth',
			'GET https://pyrus.example.com/api/v4/tasks/7',
		]);
		expect(log.requests[0].body).toEqual({ login: LOGIN, security_key: SECRET_KEY, person_id: 16900 });
		expect(credentials.pyrusApi).toMatchObject({ accessToken: TOKEN, apiUrl: '' });
	});

	it('refuses a plain-http server URL off loopback before sending the key', async () => {
		const log = record();

		const result = await runPyrus(get('7'), {
			credentials: pyrusCredentials({ accessToken: '', apiUrl: '', serverUrl: 'http://pyrus.example.com/api/v4' }),
		});

		log.stop();
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Credential: Server URL "http://pyrus.example.com/api/v4" must start with https://',
		});
	});
});
