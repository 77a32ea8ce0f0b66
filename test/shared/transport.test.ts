/**
 * The shared request helper through n8n's engine, with every request answered by nock:
 * limit answers, server errors, dropped connections, auth errors, redaction, circuit breaker.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { recordRequests as startRecording, REQUESTS_FOR_A_REFUSED_TOKEN, runWorkflow, setupNock } from '../harness';
import type { CredentialDataMap, RequestLog, RunWorkflowResult } from '../harness';
import {
	PROBE_401_HINT,
	PROBE_API,
	PROBE_NODE,
	probeCredentialTypes,
	probeNodeTypes,
	probeProfile,
	probeProfiles,
} from './fixtures';

/** The helper's waits run this many times faster here. */
const SCALE = 100;
const TOKEN = 'tok-Zq7:Xv$9/Lm+Ws=Kp4';

setupNock();

beforeEach(() => {
	resetProcessState();
	setTimeScale(SCALE);
});

const logs: RequestLog[] = [];
afterEach(() => {
	for (const log of logs.splice(0)) log.stop();
});

/** Records the requests the scopes answer; stopped after each test. */
function recordRequests(...scopes: nock.Scope[]): RequestLog {
	const log = startRecording(...scopes);
	logs.push(log);
	return log;
}

afterAll(() => {
	resetProcessState();
	setTimeScale(1);
});

function credentials(): CredentialDataMap {
	return { probeApi: { baseUrl: PROBE_API, token: TOKEN } };
}

async function probe(
	parameters: INodeParameters,
	options: { input?: IDataObject[]; continueOnFail?: boolean; credentials?: CredentialDataMap } = {},
): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes: probeNodeTypes,
		credentialTypes: probeCredentialTypes,
		credentials: options.credentials ?? credentials(),
		node: { type: PROBE_NODE, parameters },
		input: options.input,
		continueOnFail: options.continueOnFail,
	});
}

/** Arrival times (ms) of the requests a scope answered. */
function arrivals(scope: nock.Scope): number[] {
	const times: number[] = [];
	scope.on('request', () => times.push(Date.now()));
	return times;
}

/**
 * A socket error as node raises it. nock 14 (through @mswjs/interceptors) needs a real Error:
 * `.replyWithError({ code })` with a plain object leaves the request hanging.
 */
function networkError(code: string, message: string): Error {
	return Object.assign(new Error(message), { code });
}

/** Everything about the run n8n would store, as text. */
function stored(result: RunWorkflowResult): string {
	return JSON.stringify(result.run);
}

describe('limit answers', () => {
	it('retries a 429 once after the Retry-After wait, then returns the answer', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.reply(429, { message: 'slow down' }, { 'Retry-After': '3' })
			.get('/things')
			.reply(200, { ok: true });
		const log = recordRequests(scope);
		const times = arrivals(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { statusCode: 200, body: { ok: true } }, pairedItem: { item: 0 } }]);
		expect(log.requests).toHaveLength(2);
		expect(times).toHaveLength(2);
		// 3 s at scale 100: at least 30 ms between the two requests.
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(3000 / SCALE);
		expect(scope.isDone()).toBe(true);
	});

	it('retries a 429 of a POST too (a limit answer means the request was not processed)', async () => {
		const scope = nock(PROBE_API)
			.post('/things', { name: 'x' })
			.reply(429, 'Too Many Requests', { 'Retry-After': '1' })
			.post('/things', { name: 'x' })
			.reply(201, { id: 7 });
		const log = recordRequests(scope);

		const result = await probe({ method: 'POST', path: '/things', body: '{"name":"x"}' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ statusCode: 201, body: { id: 7 } });
		expect(log.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
	});

	it('retries a 429 without a hint after its own back-off', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.reply(429, { message: 'slow down' })
			.get('/things')
			.reply(200, { ok: 1 });
		const log = recordRequests(scope);
		const times = arrivals(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ statusCode: 200, body: { ok: 1 } });
		expect(log.requests).toHaveLength(2);
		// The first back-off is 1 s with ±20 % jitter.
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(Math.floor(800 / SCALE));
	});

	it('gives up after 5 attempts of 429 with an error that says so', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.times(6)
			.reply(429, { message: 'Too many requests' }, { 'Retry-After': '1' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(log.requests).toHaveLength(5);
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '429',
			message: 'Probe: Too many requests',
		});
		expect(result.error?.description).toContain('GET /things answered 429');
		expect(result.error?.description).toContain("Still refused for exceeding the rate limit after 5 attempts");
	});

	it('does not hold a run for a Retry-After of an hour: one request, then an error that says why', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.reply(429, { message: 'Too many requests' }, { 'Retry-After': '3600' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '429' });
		expect(result.error?.description).toContain('asks to wait 3600 s before the next request');
	});
});

describe('server errors and network faults', () => {
	it('retries a 500 on a GET, then returns the answer', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.reply(500, { message: 'oops' })
			.get('/things')
			.reply(502, 'Bad Gateway')
			.get('/things')
			.reply(200, { ok: 2 });
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ statusCode: 200, body: { ok: 2 } });
		expect(log.requests).toHaveLength(3);
	});

	it('gives up on a GET that keeps failing with 500 after 5 attempts', async () => {
		const scope = nock(PROBE_API).get('/things').times(6).reply(503, { message: 'maintenance' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(log.requests).toHaveLength(5);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '503', message: 'Probe: maintenance' });
		expect(result.error?.description).toContain('The request failed 5 times.');
	});

	it('sends a POST that answers 500 exactly once and says it was not sent again', async () => {
		const scope = nock(PROBE_API).post('/things').times(2).reply(500, { message: 'internal error' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'POST', path: '/things', body: '{"name":"x"}' });

		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '500', message: 'Probe: internal error' });
		expect(result.error?.description).toContain('This write was not sent again');
		expect(result.error?.description).toContain('outcome unknown');
	});

	it('retries a POST marked idempotent after a 500', async () => {
		const scope = nock(PROBE_API)
			.post('/search')
			.reply(500, { message: 'oops' })
			.post('/search')
			.reply(200, { found: [] });
		const log = recordRequests(scope);

		const result = await probe({ method: 'POST', path: '/search', body: '{"q":"a"}', idempotent: 'yes' });

		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
	});

	it('retries a GET whose connection was reset', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.replyWithError(networkError('ECONNRESET', 'socket hang up'))
			.get('/things')
			.reply(200, { ok: 3 });
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ statusCode: 200, body: { ok: 3 } });
		expect(log.requests).toHaveLength(2);
	});

	it('does not resend a POST whose connection was reset: the outcome is unknown', async () => {
		const scope = nock(PROBE_API)
			.post('/things')
			.replyWithError(networkError('ECONNRESET', 'socket hang up'))
			.post('/things')
			.reply(201, { id: 1 });
		const log = recordRequests(scope);

		const result = await probe({ method: 'POST', path: '/things', body: '{"name":"x"}' });

		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Probe: the outcome of this write is unknown',
		});
		expect(result.error?.description).toContain('ECONNRESET');
		expect(result.error?.description).toContain('It was not sent again');
		expect(scope.isDone()).toBe(false);
	});

	it('resends a POST whose connection was refused (it never left)', async () => {
		const scope = nock(PROBE_API)
			.post('/things')
			.replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED'))
			.post('/things')
			.reply(201, { id: 2 });
		const log = recordRequests(scope);

		const result = await probe({ method: 'POST', path: '/things', body: '{"name":"x"}' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ statusCode: 201, body: { id: 2 } });
		expect(log.requests).toHaveLength(2);
	});

	it('gives up on a host that keeps refusing connections with a clear error', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.times(6)
			.replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED'));
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(log.requests).toHaveLength(5);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Probe: the service could not be reached' });
		expect(result.error?.description).toContain('ECONNREFUSED');
	});

	it('stops at once on a blocked account', async () => {
		const scope = nock(PROBE_API).get('/things').times(2).reply(423, 'Locked');
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Probe: the account is blocked', httpCode: '423' });
	});
});

describe('a repeat after an unknown outcome, and a quota of one kind of request', () => {
	it('a repeated DELETE whose answer says the work is done returns that answer marked alreadyDone', async () => {
		const scope = nock(PROBE_API).delete('/things/7').reply(502, 'Bad Gateway').delete('/things/7').reply(404, { message: 'gone' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'DELETE', path: '/things/7', doneWhenRepeatAnswers: 404 });

		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(result.items[0].json).toEqual({ statusCode: 404, body: { message: 'gone' }, alreadyDone: true });
	});

	it('the same answer to a first attempt is an error', async () => {
		const scope = nock(PROBE_API).delete('/things/7').times(2).reply(404, { message: 'gone' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'DELETE', path: '/things/7', doneWhenRepeatAnswers: 404 });

		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '404', message: 'Probe: gone' });
	});

	describe('a limit with scope "request"', () => {
		beforeAll(() => {
			probeProfiles.quota = probeProfile({
				limitSignal(response) {
					if (response.statusCode !== 429) return { kind: 'ok' };
					const raw = response.headers['retry-after'];
					const seconds = raw === undefined ? undefined : Number(Array.isArray(raw) ? raw[0] : raw);
					return { kind: 'limited', scope: 'request', retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
				},
			});
		});
		afterAll(() => delete probeProfiles.quota);

		it('is repeated after the wait its answer names, without pausing the account\'s other requests', async () => {
			const scope = nock(PROBE_API)
				.delete('/things/1')
				.reply(429, { message: 'quota' }, { 'Retry-After': '2' })
				.delete('/things/1')
				.reply(200, { deleted: true });
			const log = recordRequests(scope);

			const result = await probe({ profile: 'quota', method: 'DELETE', path: '/things/1' });

			expect(result.error).toBeUndefined();
			expect(log.requests).toHaveLength(2);
			expect(result.items[0].json).toEqual({ statusCode: 200, body: { deleted: true } });
		});

		it('without a wait of its own it fails after one request, and the next item is not held back', async () => {
			const scope = nock(PROBE_API).delete('/things/1').times(5).reply(429, { message: 'quota' }).get('/things').reply(200, { ok: 1 });
			const log = recordRequests(scope);

			const result = await probe(
				{ profile: 'quota', method: '={{ $json.method }}', path: '={{ $json.path }}' },
				{ input: [{ method: 'DELETE', path: '/things/1' }, { method: 'GET', path: '/things' }], continueOnFail: true },
			);

			expect(log.requests.map((r) => r.method)).toEqual(['DELETE', 'GET']);
			expect(String(result.items[0].json.error)).toContain('quota');
			expect(result.items[1].json).toEqual({ statusCode: 200, body: { ok: 1 } });
		});
	});
});

describe('auth errors and redaction', () => {
	it('turns a 401 into an error with the vendor message and the hint', async () => {
		// n8n-core re-authenticates and resends once on a 401 by itself (on 1.x after the package's resend).
		const scope = nock(PROBE_API).get('/things').times(REQUESTS_FOR_A_REFUSED_TOKEN + 1).reply(401, { message: 'Invalid token' });
		const log = recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(log.requests).toHaveLength(REQUESTS_FOR_A_REFUSED_TOKEN);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401', message: 'Probe: Invalid token' });
		expect(result.error?.description).toContain(PROBE_401_HINT);
		expect(log.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('keeps the token out of errors when the vendor echoes it in its body and in a URL', async () => {
		const encoded = encodeURIComponent(TOKEN);
		const scope = nock(PROBE_API)
			.get('/things')
			.reply(400, {
				message: `Token ${TOKEN} has no access`,
				detail: `See ${PROBE_API}/help?token=${encoded} (Authorization: Bearer ${TOKEN})`,
				echo: { token: TOKEN, url: `${PROBE_API}/things?access_token=${encoded}` },
			});
		recordRequests(scope);

		const result = await probe({ method: 'GET', path: '/things' });

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400', message: 'Probe: Token *** has no access' });
		expect(result.error?.description).toContain('token=***');
		const text = stored(result);
		expect(text).not.toContain(TOKEN);
		expect(text).not.toContain(encoded);
		expect(text).not.toContain('Zq7');
	});

	it('keeps the token out of a 401 error that echoes it', async () => {
		nock(PROBE_API)
			.get('/things')
			.times(REQUESTS_FOR_A_REFUSED_TOKEN)
			.reply(401, { message: `Token ${TOKEN} is revoked`, detail: `Bearer ${TOKEN}` });

		const result = await probe({ method: 'GET', path: '/things' }, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toBe('Probe: Token *** is revoked');
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(stored(result)).not.toContain('Zq7');
	});

	it('keeps a key sent in the query string out of an error that echoes the request URL', async () => {
		const scope = nock(PROBE_API)
			.get('/things')
			.query(true)
			.reply(function () {
				return [400, { message: 'Bad request', detail: `You asked for ${PROBE_API}${this.req.path}` }];
			});
		const log = recordRequests(scope);

		const result = await probe(
			{ method: 'GET', path: '/things', authentication: 'queryKey' },
			{ credentials: { probeQsApi: { baseUrl: PROBE_API, token: TOKEN } } },
		);

		expect(log.requests[0].query.api_key).toBe(TOKEN);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
		expect(result.error?.description).toContain(`${PROBE_API}/things?api_key=***`);
		expect(stored(result)).not.toContain('Zq7');
	});

	it('keeps a session token that preAuthentication fetched out of errors', async () => {
		const session = 'sess-Qw8:Rt$5/Yu+Io=Pa2';
		nock(PROBE_API).post('/session').reply(200, { token: session });
		nock(PROBE_API)
			.get('/things')
			.reply(400, { message: `Session ${session} may not read things` });

		const result = await probe(
			{ method: 'GET', path: '/things', authentication: 'session' },
			{ credentials: { probeSessionApi: { baseUrl: PROBE_API, login: 'me', password: 'pass-Secret-1' } } },
		);

		expect(result.preAuthenticationCalls).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Probe: Session *** may not read things' });
		expect(stored(result)).not.toContain('Qw8');
	});
});

describe('circuit breaker', () => {
	it('after 10 limit answers, fails further calls fast with the "paused" error and sends nothing', async () => {
		// Real scale: the breaker stays open for the whole minute of this test.
		setTimeScale(1);
		const scope = nock(PROBE_API)
			.get('/things')
			.times(20)
			.reply(429, { message: 'Too many requests' }, { 'Retry-After': '0' });
		const log = recordRequests(scope);

		const result = await probe(
			{ method: 'GET', path: '/things' },
			{ input: [{}, {}, {}, {}], continueOnFail: true },
		);

		expect(log.requests).toHaveLength(10);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0].json.error).toBe('Probe: Too many requests');
		expect(result.items[1].json.error).toBe('Probe: Too many requests');
		for (const item of result.items.slice(2)) {
			expect(item.json.error).toBe('Probe: too many rate-limit answers in a row');
			expect(item.json.description).toMatch(/paused for (59|60) s/);
		}

		// Another execution on the same account is refused at once, without a request.
		const again = await probe({ method: 'GET', path: '/things' });
		expect(log.requests).toHaveLength(10);
		expect(again.error).toMatchObject({ name: 'NodeApiError', httpCode: '429' });
		expect(again.error?.description).toContain('paused');
	});

	it('keeps accounts apart: another account is not paused', async () => {
		setTimeScale(1);
		nock(PROBE_API).get('/things').times(10).reply(429, { message: 'Too many requests' }, { 'Retry-After': '0' });
		await probe({ method: 'GET', path: '/things' }, { input: [{}, {}], continueOnFail: true });

		const scope = nock(PROBE_API).get('/things').reply(200, { ok: 4 });
		const log = recordRequests(scope);
		const other = await probe(
			{ method: 'GET', path: '/things' },
			{ credentials: { probeApi: { baseUrl: PROBE_API, token: 'another-account-token' } } },
		);

		expect(other.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
	});
});

describe('profile checks before sending', () => {
	it('refuses to send the credential to another host', async () => {
		const log = recordRequests();

		const result = await probe({ method: 'GET', path: 'https://elsewhere.example.test/steal' });

		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({ name: 'NodeOperationError' });
		expect(result.error?.message).toContain('Refused to send credentials to another host than https://probe.example.test');
	});


	it('names the credential field when the host is not a URL, before reading the host anywhere', async () => {
		probeProfiles.strictHost = probeProfile({
			credentialProblem: (credentials) => {
				try {
					new URL(String(credentials.baseUrl));
					return undefined;
				} catch {
					return `Base URL "${String(credentials.baseUrl)}" is not a URL`;
				}
			},
			baseUrl: (credentials) => new URL(String(credentials.baseUrl)).origin,
			accountKey: (credentials) => new URL(String(credentials.baseUrl)).origin,
		});
		const log = recordRequests();

		const result = await probe(
			{ method: 'GET', path: '/things', profile: 'strictHost' },
			{ credentials: { probeApi: { baseUrl: 'probe.example.test', token: TOKEN } } },
		);
		delete probeProfiles.strictHost;

		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Credential: Base URL "probe.example.test" is not a URL',
		});
	});
});
