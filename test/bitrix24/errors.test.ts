/**
 * Answers and faults: the webhook secret never in anything the run stores (errors of n8n's
 * HTTP layer included), a renamed portal's redirect followed with the same POST, limit
 * answers retried, a block not retried, and the OAuth2 credential's `auth` token and refresh.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { engineHas, recordRequests, REQUESTS_FOR_A_REFUSED_TOKEN, type RunWorkflowResult } from '../harness';
import { ALL_BUT_DATE } from '../harness/clocks';
import { Bitrix24Sandbox } from '../sandbox/bitrix24';
import { SECRET, byId, hook, lines, oauthCredentials, runB24, useSandbox, webhookCredentials } from './fixtures';

const { sandbox, baseUrl } = useSandbox();

/** Everything n8n keeps of the run (the test's own credential map left out). */
function stored(result: RunWorkflowResult): string {
	return JSON.stringify({ ...result, credentials: undefined });
}

/** nock needs an Error instance: a plain object leaves the request hanging. */
const networkError = (message: string) => Object.assign(new Error(message), { code: 'ECONNRESET' });

const REMOTE = 'https://acme.bitrix24.com';
const REMOTE_SECRET = 'x9k2m4p6q8r0t1v3';
const remoteCredentials = () => webhookCredentials('', { webhookSecretUrl: `${REMOTE}/rest/7/${REMOTE_SECRET}/` });
const GET_5 = { resource: 'task', operation: 'get', taskId: byId('5') };
const CREATE = { resource: 'task', operation: 'create', title: 'Call', responsibleId: '2' };

describe('the webhook secret is redacted', () => {
	it('from a network failure of n8n\'s HTTP layer on a read (retried, then reported)', async () => {
		const scope = nock(REMOTE).post(`/rest/7/${REMOTE_SECRET}/tasks.task.get`).times(5).replyWithError(networkError(`socket hang up at ${REMOTE}/rest/7/${REMOTE_SECRET}/tasks.task.get`));

		const result = await runB24('', GET_5, { credentials: remoteCredentials() });

		expect(scope.isDone()).toBe(true);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Bitrix24: the service could not be reached' });
		expect(result.error!.description).toContain('failed 5 times (ECONNRESET)');
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('from a network failure on a write: sent once, the outcome reported unknown', async () => {
		const scope = nock(REMOTE).post(`/rest/7/${REMOTE_SECRET}/tasks.task.add`).replyWithError(networkError('socket hang up'));

		const result = await runB24('', CREATE, { credentials: remoteCredentials() });

		expect(scope.isDone()).toBe(true);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Bitrix24: the outcome of this write is unknown' });
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('from an HTTP error n8n throws itself (401, retried once by n8n) and a body echoing the URL', async () => {
		const scope = nock(REMOTE)
			.post(`/rest/7/${REMOTE_SECRET}/tasks.task.get`)
			.times(REQUESTS_FOR_A_REFUSED_TOKEN)
			.reply(401, { error: 'NO_AUTH_FOUND', error_description: `Wrong authorization data for /rest/7/${REMOTE_SECRET}/` });

		const result = await runB24('', GET_5, { credentials: remoteCredentials() });

		expect(scope.isDone()).toBe(true);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401', message: 'Bitrix24: Wrong authorization data for /rest/7/***/ (NO_AUTH_FOUND)' });
		expect(result.error!.description).toContain('copy the current one from Bitrix24');
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('from a 500 answer whose body carries the secret, with Continue On Fail', async () => {
		nock(REMOTE)
			.post(`/rest/7/${REMOTE_SECRET}/tasks.task.get`)
			.times(5)
			.reply(500, { error: 'INTERNAL_SERVER_ERROR', error_description: `failed ${REMOTE}/rest/7/${REMOTE_SECRET}/tasks.task.get` });

		const result = await runB24('', GET_5, { credentials: remoteCredentials(), continueOnFail: true });

		expect(result.items[0].json.error).toBe(`Bitrix24: failed ${REMOTE}/rest/7/***/tasks.task.get (INTERNAL_SERVER_ERROR)`);
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('the sandbox\'s own 401 for a wrong secret', async () => {
		const result = await runB24(baseUrl(), GET_5, { credentials: webhookCredentials(baseUrl(), { webhookSecretUrl: `${baseUrl()}/rest/1/wrongsecret999/` }) });

		expect(lines(sandbox.requests)).toEqual(Array(REQUESTS_FOR_A_REFUSED_TOKEN).fill('POST /rest/1/wrongsecret999/tasks.task.get'));
		expect(result.error).toMatchObject({ httpCode: '401', message: 'Bitrix24: Wrong authorization data (NO_AUTH_FOUND)' });
		expect(stored(result)).not.toContain('wrongsecret999');
	});
});

describe('the secret is redacted from the error of one command of a batch', () => {
	const TWO = { resource: 'task', operation: 'create', title: '={{ $json.title }}', responsibleId: '2' };
	const input = [{ title: 'Fine' }, { title: 'Refused' }];
	const refusal = (secret: string) => ({ error: 'ERROR_CORE', error_description: `Refused for ${REMOTE}/rest/7/${secret}/ auth=${secret}` });
	/** A `batch` answer (HTTP 200) whose second command failed with an error echoing `secret`. */
	const batchAnswer = (secret: string) => ({
		result: { result: { i0: { task: { id: '9', title: 'Fine' } } }, result_error: { i1: refusal(secret) } },
	});
	const REDACTED = `Bitrix24: Refused for ${REMOTE}/rest/7/***/ auth=*** (ERROR_CORE)`;

	it('a webhook\'s secret, with Continue On Fail: in neither the item\'s output nor anything stored', async () => {
		const scope = nock(REMOTE).post(`/rest/7/${REMOTE_SECRET}/batch`).reply(200, batchAnswer(REMOTE_SECRET));

		const result = await runB24('', TWO, { credentials: remoteCredentials(), input, continueOnFail: true });

		expect(scope.isDone()).toBe(true);
		expect(result.items[1].json.error).toBe(REDACTED);
		expect(result.items[0].json).toMatchObject({ id: '9' });
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('a webhook\'s secret, without Continue On Fail: not in the node\'s error', async () => {
		const scope = nock(REMOTE).post(`/rest/7/${REMOTE_SECRET}/batch`).reply(200, batchAnswer(REMOTE_SECRET));

		const result = await runB24('', TWO, { credentials: remoteCredentials(), input: [...input, { title: 'Fine too' }] });

		expect(scope.isDone()).toBe(true);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: REDACTED, context: { itemIndex: 1 } });
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('a page of a listing read in a batch: not in the node\'s error', async () => {
		const pageRefused = { result: { result: {}, result_error: { p0: refusal(REMOTE_SECRET) } } };
		const scope = nock(REMOTE).post(`/rest/7/${REMOTE_SECRET}/batch`).reply(200, pageRefused);

		const result = await runB24('', { resource: 'task', operation: 'getAll', returnAll: true }, { credentials: remoteCredentials() });

		expect(scope.isDone()).toBe(true);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: REDACTED });
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});

	it('an OAuth2 access token: in neither the item\'s output nor anything stored', async () => {
		const ACCESS = 'access-token-5f3c9a1e7b';
		const scope = nock(REMOTE).post('/rest/batch').reply(200, batchAnswer(ACCESS));
		const credentials = oauthCredentials(REMOTE, ACCESS);

		const result = await runB24('', { ...TWO, authentication: 'oAuth2' }, { credentials, input, continueOnFail: true });

		expect(scope.isDone()).toBe(true);
		expect(result.items[1].json.error).toBe(REDACTED);
		expect(stored(result)).not.toContain(ACCESS);
	});
});

describe('a renamed portal', () => {
	const renamed = new Bitrix24Sandbox({ rateLimit: false });
	let renamedUrl = '';
	beforeAll(async () => {
		renamedUrl = await renamed.start();
	});
	afterAll(async () => await renamed.stop());

	it('answers 302: the same POST with its body goes to the new address, and later requests go there directly', async () => {
		renamed.addUser({ ID: '2' });
		sandbox.redirectTo = renamedUrl;

		const first = await runB24(baseUrl(), CREATE);
		const second = await runB24(baseUrl(), { ...CREATE, title: 'Second' });

		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.add')}`]);
		expect(lines(renamed.requests)).toEqual([`POST ${hook('tasks.task.add')}`, `POST ${hook('tasks.task.add')}`]);
		expect(renamed.requests[0].body).toEqual({ fields: { TITLE: 'Call', RESPONSIBLE_ID: 2 } });
		expect(first.items[0].json).toMatchObject({ title: 'Call' });
		expect([...renamed.tasks.values()].map((task) => task.title)).toEqual(['Call', 'Second']);
	});
});

describe('a redirect that is not followed', () => {
	it('to plain HTTP: refused, the secret stays home, and the error does not repeat the Location', async () => {
		const scope = nock(REMOTE)
			.post(`/rest/7/${REMOTE_SECRET}/tasks.task.add`)
			.reply(302, '', { Location: `http://evil.example/rest/7/${REMOTE_SECRET}/tasks.task.add` });
		const log = recordRequests(scope);

		const result = await runB24('', CREATE, { credentials: remoteCredentials() });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Bitrix24: the portal answered 302 with a redirect that cannot be followed',
		});
		expect(stored(result)).not.toContain(REMOTE_SECRET);
	});
});

describe('limits', () => {
	it('503 QUERY_LIMIT_EXCEEDED on a write: refused, not run, so sent again', async () => {
		sandbox.faults.enqueue({ status: 503, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } });

		const result = await runB24(baseUrl(), CREATE);

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.add')}`, `POST ${hook('tasks.task.add')}`]);
		expect(sandbox.requests.map((request) => request.status)).toEqual([503, 200]);
		expect(sandbox.tasks.size).toBe(1);
	});

	it('429 OPERATION_TIME_LIMIT: waited out and sent again', async () => {
		sandbox.addTask({ id: '5' });
		sandbox.operationLimited.set('tasks.task.get', 1);

		const result = await runB24(baseUrl(), GET_5);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.status)).toEqual([429, 200]);
		expect(result.items[0].json).toMatchObject({ id: '5' });
	});

	it('429 OPERATION_TIME_LIMIT after n8n\'s clock stepped back: the wait until the reset is read on the portal\'s clock', async () => {
		sandbox.addTask({ id: '5' });
		sandbox.operationLimited.set('tasks.task.get', 1);
		// n8n's wall clock set five minutes back (an NTP correction): the portal's reset time, one
		// second ahead of the portal's own clock, is no five minutes away.
		sandbox.clock.freeze(Date.now());
		jest.useFakeTimers({ doNotFake: ALL_BUT_DATE, advanceTimers: true });
		jest.setSystemTime(Date.now() - 5 * 60_000);
		try {
			const result = await runB24(baseUrl(), GET_5);

			expect(result.error).toBeUndefined();
			expect(sandbox.requests.map((request) => request.status)).toEqual([429, 200]);
		} finally {
			jest.useRealTimers();
			sandbox.clock.unfreeze();
		}
	});

	it('503 OVERLOAD_LIMIT: a block, not retried', async () => {
		sandbox.faults.enqueue({ status: 503, body: { error: 'OVERLOAD_LIMIT', error_description: 'REST API is blocked due to overload.' } });

		const result = await runB24(baseUrl(), GET_5);

		expect(sandbox.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '503' });
		expect(result.error!.message).toContain('OVERLOAD_LIMIT');
	});
});

describe('OAuth2 credential', () => {
	const oauth = (base: string, access: string) => ({
		bitrix24OAuth2Api: {
			portalUrl: base,
			clientId: 'local.app.1',
			clientSecret: 'client-secret-b24-777',
			accessTokenUrl: `${base}/oauth/token/`,
			oauthTokenData: { access_token: access, refresh_token: 'sandbox-refresh-token', token_type: 'Bearer' },
		},
	});

	it('sends the access token as `auth` in the body of /rest/{method} (n8n\'s own Bearer header goes along)', async () => {
		sandbox.addTask({ id: '5' });

		const result = await runB24(baseUrl(), { ...GET_5, authentication: 'oAuth2' }, { credentials: oauth(baseUrl(), 'sandbox-access-token') });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual(['POST /rest/tasks.task.get']);
		expect(sandbox.requests[0].body).toEqual({ taskId: 5, select: expect.any(Array), auth: 'sandbox-access-token' });
		expect(sandbox.requests[0].headers.authorization).toBe('Bearer sandbox-access-token');
		expect(result.items[0].json).toMatchObject({ id: '5' });
	});

	it('on 401 expired_token refreshes through the token endpoint, stores the new pair and retries', async () => {
		sandbox.addTask({ id: '5' });
		sandbox.expiredTokens.add('old-access-token');
		sandbox.refreshTokens.set('sandbox-refresh-token', '1');

		const result = await runB24(baseUrl(), { ...GET_5, authentication: 'oAuth2' }, { credentials: oauth(baseUrl(), 'old-access-token') });

		expect(result.error).toBeUndefined();
		// n8n 1.x: the package's resend lets n8n see the 401 and refresh; n8n then repeats the call
		// twice with the old `auth` in the body (its refreshed retry and its generic 401 retry),
		// both refused, before the package sends it with the new token.
		const call = 'POST /rest/tasks.task.get';
		expect(lines(sandbox.requests)).toEqual(
			engineHas('reauthenticatesIgnoringStatuses')
				? [call, 'POST /oauth/token', call]
				: [call, call, 'POST /oauth/token', call, call, call],
		);
		const refreshedToken = (result.credentials.bitrix24OAuth2Api.oauthTokenData as IDataObject).access_token as string;
		expect(refreshedToken).toMatch(/^sandbox-access-\d+$/);
		expect((sandbox.requests.at(-1)!.body as IDataObject).auth).toBe(refreshedToken);
		for (const request of sandbox.requests.slice(0, -1)) expect((request.body as IDataObject | undefined)?.auth).not.toBe(refreshedToken);
		expect(stored(result)).not.toContain('client-secret-b24-777');
	});
});

it('never stores the sandbox secret with a successful run either', async () => {
	sandbox.addTask({ id: '5' });
	const result = await runB24(baseUrl(), GET_5);
	expect(result.error).toBeUndefined();
	expect(stored(result)).not.toContain(SECRET);
});
