/**
 * The request helper's decision, as a table: after one send (an answer, a thrown answer, a
 * network fault, a cancelled run, a paused account), what the helper does next. Every exit of
 * the request loop is a row here; the engine-level suites (transport.test.ts and the vendor
 * suites) prove the loop acts on these decisions through n8n's HTTP helper.
 */
import {
	backoffMs,
	decide,
	MAX_ATTEMPTS,
	MAX_REDIRECTS,
	MAX_RETRY_AFTER_MS,
	type Decision,
	type DecisionInput,
	type SendOutcome,
} from '../../nodes/shared/transport/decide';
import type { LimitSignal, RawResponse } from '../../nodes/shared/transport/types';

const ORIGIN = 'https://acme.example.test';
const URL_NOW = `${ORIGIN}/api/v1/tasks?page=2`;
const JITTER = 0.5;
/** With jitter 0.5 the backoff is its base: 1 s, 2 s, 4 s... */
const BACKOFF = (attempt: number) => backoffMs(attempt, JITTER);

/**
 * A vendor's classification of answers, as profiles do it: 429 with or without Retry-After (s),
 * and body markers for the other kinds (blocked, a per-request quota, a spent budget).
 */
function limitSignal(response: RawResponse): LimitSignal {
	const retryAfter = response.headers['retry-after'];
	if (response.statusCode === 429) {
		return { kind: 'limited', retryAfterMs: retryAfter === undefined ? undefined : Number(retryAfter) * 1000 };
	}
	const body = (response.body ?? {}) as { limit?: string; waitMs?: number };
	if (body.limit === 'blocked') return { kind: 'blocked', message: 'the account is blocked' };
	if (body.limit === 'deletions') return { kind: 'limited', scope: 'request', retryAfterMs: body.waitMs };
	if (body.limit === 'spent') return { kind: 'ok', pauseMs: body.waitMs };
	return { kind: 'ok' };
}

/** Moves accepted only to *.vendor.test (the vendor's check), remembered by the loop. */
const accountMoves = {
	noun: 'portal',
	max: 2,
	mayMoveTo: (_from: URL, to: URL) => to.hostname.endsWith('.vendor.test'),
	notAcceptable: 'not a vendor portal',
	moved: () => undefined,
};

type Row = Partial<Omit<DecisionInput, 'outcome'>> & { method?: string; idempotent?: boolean; moving?: boolean };

function input(outcome: SendOutcome, row: Row = {}): DecisionInput {
	const method = row.method ?? 'GET';
	return {
		outcome,
		attempt: row.attempt ?? 1,
		profile: { displayName: 'Vendor', limitSignal, emptyStatuses: [204], ...(row.moving ? { accountMoves } : {}), ...row.profile },
		request: { method: method as 'GET', idempotent: row.idempotent, ...row.request },
		target: row.target ?? { url: URL_NOW, method },
		accountOrigin: row.accountOrigin ?? ORIGIN,
		outcomeUnknown: row.outcomeUnknown ?? false,
		reauthenticated: row.reauthenticated ?? false,
		redirects: row.redirects ?? 0,
		moves: row.moves ?? 0,
		jitter: JITTER,
	};
}

const answer = (statusCode: number, body: unknown = {}, headers: RawResponse['headers'] = {}): SendOutcome => ({
	kind: 'answer',
	response: { statusCode, headers, body },
});
const thrown = (statusCode: number, body: unknown = {}, headers: RawResponse['headers'] = {}): SendOutcome => ({
	kind: 'answer',
	response: { statusCode, headers, body },
	thrown: true,
});
const response = (statusCode: number, body: unknown = {}, headers: RawResponse['headers'] = {}): RawResponse => ({
	statusCode,
	headers,
	body,
});
const redirectAnswer = (statusCode: number, location: string) => answer(statusCode, '', { location });

const UNKNOWN_WRITE =
	'The connection failed (ECONNRESET) after the request was sent, so Vendor may or may not have applied it. It was not sent again, to avoid a duplicate: check the data in Vendor before running this item again.';

const cases: Array<[string, SendOutcome, Row, Decision]> = [
	// Success
	['200: done with the body', answer(200, { id: 1 }), {}, { kind: 'done', response: { statusCode: 200, headers: {}, body: { id: 1 } } }],
	['204 of a profile with empty statuses: done without body', answer(204, 'x'), {}, { kind: 'done', response: { statusCode: 204, headers: {}, body: undefined } }],
	['200 with an empty text body: done without body', answer(200, ''), {}, { kind: 'done', response: { statusCode: 200, headers: {}, body: undefined } }],
	[
		'200 that says the budget is spent: done, and the account pauses (capped)',
		answer(200, { limit: 'spent', waitMs: 10 * MAX_RETRY_AFTER_MS }),
		{},
		{ kind: 'done', response: { statusCode: 200, headers: {}, body: { limit: 'spent', waitMs: 10 * MAX_RETRY_AFTER_MS } }, pauseAccountMs: MAX_RETRY_AFTER_MS },
	],

	// 429 and other limit answers: refused, not processed, so retried for every method
	['429 with Retry-After on a write: retry after the server\'s wait, account-wide', answer(429, {}, { 'retry-after': '7' }), { method: 'POST' }, { kind: 'retry', sleepMs: 0, limitAnswer: true, pauseAccountMs: 7_000 }],
	['429 without Retry-After: retry after the backoff, account-wide', answer(429), { attempt: 3 }, { kind: 'retry', sleepMs: 0, limitAnswer: true, pauseAccountMs: BACKOFF(3) }],
	[
		'429 asking for more than a run should wait: fail, the account still pauses',
		answer(429, {}, { 'retry-after': '600' }),
		{},
		{
			kind: 'fail',
			failure: { kind: 'vendor', response: response(429, {}, { 'retry-after': '600' }), note: 'Vendor asks to wait 600 s before the next request; that is longer than a run should wait. Retry later.' },
			limitAnswer: true,
			pauseAccountMs: MAX_RETRY_AFTER_MS,
		},
	],
	[
		'429 on the last attempt: budget exhausted, fail',
		answer(429, {}, { 'retry-after': '1' }),
		{ attempt: MAX_ATTEMPTS },
		{
			kind: 'fail',
			failure: {
				kind: 'vendor',
				response: response(429, {}, { 'retry-after': '1' }),
				note: `Still refused for exceeding the rate limit after ${MAX_ATTEMPTS} attempts. Run fewer workflows against this account at once, or retry later.`,
			},
			limitAnswer: true,
			pauseAccountMs: 1_000,
		},
	],
	['a per-request quota with a wait: retry after it, this request only', answer(400, { limit: 'deletions', waitMs: 5_000 }), { method: 'DELETE' }, { kind: 'retry', sleepMs: 5_000 }],
	[
		'a per-request quota naming no wait: fail',
		answer(400, { limit: 'deletions' }),
		{ method: 'DELETE' },
		{ kind: 'fail', failure: { kind: 'vendor', response: response(400, { limit: 'deletions' }), note: 'Not repeated: the answer names no time after which this limit lets the request through.' } },
	],
	[
		'a per-request quota asking for too long: fail',
		answer(400, { limit: 'deletions', waitMs: MAX_RETRY_AFTER_MS + 1_000 }),
		{ method: 'DELETE' },
		{
			kind: 'fail',
			failure: {
				kind: 'vendor',
				response: response(400, { limit: 'deletions', waitMs: MAX_RETRY_AFTER_MS + 1_000 }),
				note: 'Vendor asks to wait 121 s before this request; that is longer than a run should wait. Retry later.',
			},
		},
	],
	[
		'a per-request quota on the last attempt: fail',
		answer(400, { limit: 'deletions', waitMs: 5_000 }),
		{ method: 'DELETE', attempt: MAX_ATTEMPTS },
		{ kind: 'fail', failure: { kind: 'vendor', response: response(400, { limit: 'deletions', waitMs: 5_000 }), note: 'Vendor asks to wait 5 s before this request; that is longer than a run should wait. Retry later.' } },
	],
	[
		'the account is blocked: fail at once, never retried',
		answer(403, { limit: 'blocked' }),
		{},
		{ kind: 'fail', failure: { kind: 'helper', message: 'the account is blocked', description: 'Requests were stopped and will not be retried.', httpCode: 403 } },
	],
	[
		'the account\'s budget is paused (circuit open): fail, nothing was sent',
		{ kind: 'paused', retryInMs: 29_500 },
		{},
		{
			kind: 'fail',
			failure: {
				kind: 'helper',
				message: 'too many rate-limit answers in a row',
				description: 'Vendor kept refusing requests for exceeding its rate limit, so requests to this account are paused for 30 s to stay clear of an automatic ban. Run fewer workflows against this account at once, or retry later.',
				httpCode: 429,
			},
		},
	],

	// 5xx: retried only where sending twice does no harm
	['503 on a read: retry after the backoff, its outcome now unknown', answer(503), { attempt: 2 }, { kind: 'retry', sleepMs: BACKOFF(2), outcomeUnknown: true }],
	['503 on a write marked idempotent: retry', answer(503), { method: 'POST', idempotent: true }, { kind: 'retry', sleepMs: BACKOFF(1), outcomeUnknown: true }],
	[
		'503 on a write: never sent again, fail saying so',
		answer(503),
		{ method: 'POST' },
		{ kind: 'fail', failure: { kind: 'vendor', response: response(503), note: 'This write was not sent again: a server error leaves its outcome unknown. Check the data in Vendor before running this item again.' } },
	],
	[
		'503 on a read marked not idempotent (a PUT that is a write): never sent again',
		answer(500),
		{ method: 'PUT', idempotent: false },
		{ kind: 'fail', failure: { kind: 'vendor', response: response(500), note: 'This write was not sent again: a server error leaves its outcome unknown. Check the data in Vendor before running this item again.' } },
	],
	['503 on a read, last attempt: budget exhausted, fail', answer(503), { attempt: MAX_ATTEMPTS }, { kind: 'fail', failure: { kind: 'vendor', response: response(503), note: `The request failed ${MAX_ATTEMPTS} times.` } }],

	// Network faults: refused (never sent) vs reset (sent, outcome unknown)
	['connection refused on a write: never sent, so retried', { kind: 'network', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, { method: 'POST' }, { kind: 'retry', sleepMs: BACKOFF(1) }],
	['DNS failure on a write: never sent, so retried', { kind: 'network', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, { method: 'PATCH', attempt: 4 }, { kind: 'retry', sleepMs: BACKOFF(4) }],
	['reset after sending a read: retried, its outcome now unknown', { kind: 'network', code: 'ECONNRESET', message: 'socket hang up' }, {}, { kind: 'retry', sleepMs: BACKOFF(1), outcomeUnknown: true }],
	[
		'reset after sending a write: never repeated, fail saying its outcome is unknown',
		{ kind: 'network', code: 'ECONNRESET', message: 'socket hang up' },
		{ method: 'POST' },
		{ kind: 'fail', failure: { kind: 'helper', message: 'the outcome of this write is unknown', description: UNKNOWN_WRITE } },
	],
	[
		'connection refused, last attempt: fail, the service could not be reached',
		{ kind: 'network', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
		{ method: 'POST', attempt: MAX_ATTEMPTS },
		{ kind: 'fail', failure: { kind: 'helper', message: 'the service could not be reached', description: `The request failed ${MAX_ATTEMPTS} times (ECONNREFUSED).` } },
	],
	[
		'a fault without a code on a read, last attempt: fail with its message',
		{ kind: 'network', message: 'timeout of 60000ms exceeded' },
		{ attempt: MAX_ATTEMPTS },
		{ kind: 'fail', failure: { kind: 'helper', message: 'the service could not be reached', description: `The request failed ${MAX_ATTEMPTS} times (timeout of 60000ms exceeded).` } },
	],
	['the run was cancelled: fail, nothing more is sent', { kind: 'cancelled' }, {}, { kind: 'fail', failure: { kind: 'operation', message: 'The request was cancelled' } }],

	// 401: n8n 1.x hands it back; sent once more so that n8n re-authenticates
	['401 answered: resend once with re-authentication, not an attempt of its own', answer(401), { method: 'POST' }, { kind: 'retry', sleepMs: 0, reauthenticate: true }],
	['401 again after the resend: fail with the vendor\'s error', answer(401, { error: 'bad token' }), { reauthenticated: true }, { kind: 'fail', failure: { kind: 'vendor', response: response(401, { error: 'bad token' }) } }],
	['401 thrown by n8n after its own re-authentication: fail', thrown(401), {}, { kind: 'fail', failure: { kind: 'vendor', response: response(401) } }],

	// Answers n8n's HTTP layer threw (preAuthentication's token request, older n8n)
	['thrown 429: retried as a limit answer', thrown(429, {}, { 'retry-after': '2' }), { method: 'POST' }, { kind: 'retry', sleepMs: 0, limitAnswer: true, pauseAccountMs: 2_000 }],
	['thrown 503 on a read: retried', thrown(503), {}, { kind: 'retry', sleepMs: BACKOFF(1) }],
	['thrown 503 on a write: fail', thrown(503), { method: 'POST' }, { kind: 'fail', failure: { kind: 'vendor', response: response(503) } }],
	['thrown 429 on the last attempt: fail', thrown(429), { attempt: MAX_ATTEMPTS }, { kind: 'fail', failure: { kind: 'vendor', response: response(429) } }],

	// Vendor errors
	['404: fail with the vendor\'s error', answer(404, { error: 'not found' }), {}, { kind: 'fail', failure: { kind: 'vendor', response: response(404, { error: 'not found' }) } }],
	[
		'400 the caller reads itself (a bulk answer): done with its status',
		answer(400, [{ ok: true }, { error: 'bad' }]),
		{ method: 'POST', request: { method: 'POST', returnErrorAnswer: () => true } },
		{ kind: 'done', response: { statusCode: 400, headers: {}, body: [{ ok: true }, { error: 'bad' }] } },
	],
	[
		'404 to a repeat after an unknown outcome that the caller accepts: already done',
		answer(404, { error: 'not found' }),
		{ method: 'DELETE', outcomeUnknown: true, request: { method: 'DELETE', doneWhenRepeatAnswers: () => true } },
		{ kind: 'done', response: { statusCode: 404, headers: {}, body: { error: 'not found' }, alreadyDone: true } },
	],
	[
		'the same 404 to a first attempt: fail',
		answer(404, { error: 'not found' }),
		{ method: 'DELETE', request: { method: 'DELETE', doneWhenRepeatAnswers: () => true } },
		{ kind: 'fail', failure: { kind: 'vendor', response: response(404, { error: 'not found' }) } },
	],

	// Redirects on the account's own host
	['302 on the own host after a write: followed as a GET without body', redirectAnswer(302, '/api/v2/tasks'), { method: 'POST' }, { kind: 'redirect', url: `${ORIGIN}/api/v2/tasks`, method: 'GET', asGet: true }],
	['307 on the own host: followed with the same method', redirectAnswer(307, `${ORIGIN}/api/v2/tasks`), { method: 'POST' }, { kind: 'redirect', url: `${ORIGIN}/api/v2/tasks`, method: 'POST', asGet: false }],
	['301 of a read: followed', redirectAnswer(301, '/next'), {}, { kind: 'redirect', url: `${ORIGIN}/next`, method: 'GET', asGet: false }],
	[
		'302 to another host: fail, credentials go only to the account\'s host',
		redirectAnswer(302, 'https://elsewhere.test/x'),
		{},
		{
			kind: 'fail',
			failure: {
				kind: 'helper',
				message: 'the server redirected the request to another host',
				description: 'Vendor answered 302 with a redirect to https://elsewhere.test. The request was not sent there: credentials go only to the account\'s own host. Check the address in the credential.',
				httpCode: 302,
			},
		},
	],
	['302 after the most redirects: the 3xx is the error', redirectAnswer(302, '/again'), { redirects: MAX_REDIRECTS }, { kind: 'fail', failure: { kind: 'vendor', response: response(302, '', { location: '/again' }) } }],
	['302 without Location: the 3xx is the error', answer(302, ''), {}, { kind: 'fail', failure: { kind: 'vendor', response: response(302, '') } }],

	// An account that moves (a renamed portal): the vendor's check decides where
	[
		'moved to an accepted host over HTTPS: the same POST goes there, path and query kept',
		redirectAnswer(302, 'https://new.vendor.test/elsewhere'),
		{ method: 'POST', moving: true },
		{ kind: 'redirect', url: 'https://new.vendor.test/api/v1/tasks?page=2', method: 'POST', asGet: false, accountMovedTo: 'https://new.vendor.test' },
	],
	[
		'moved to a loopback sandbox over plain HTTP: followed',
		redirectAnswer(301, 'http://127.0.0.1:8080/x'),
		{ method: 'POST', moving: true, profile: { displayName: 'Vendor', limitSignal, accountMoves: { ...accountMoves, mayMoveTo: () => true } } },
		{ kind: 'redirect', url: 'http://127.0.0.1:8080/api/v1/tasks?page=2', method: 'POST', asGet: false, accountMovedTo: 'http://127.0.0.1:8080' },
	],
	[
		'moved to plain HTTP elsewhere: not followed, the secret stays home',
		redirectAnswer(302, 'http://new.vendor.test/x'),
		{ method: 'POST', moving: true },
		{ kind: 'fail', failure: { kind: 'operation', message: 'Vendor: the portal answered 302 with a redirect that cannot be followed', description: 'Check the portal address in the credential.' } },
	],
	[
		'moved to a host the vendor does not accept: not followed',
		redirectAnswer(302, 'https://evil.example/x'),
		{ method: 'POST', moving: true },
		{
			kind: 'fail',
			failure: {
				kind: 'operation',
				message: 'Vendor: the portal redirected the request to evil.example, which is not a vendor portal: not followed',
				description: 'Nothing was sent there, no secret included. If the portal really moved, put its new address into the credential.',
			},
		},
	],
	[
		'a move to its own origin: not followed',
		redirectAnswer(302, `${ORIGIN}/x`),
		{ moving: true },
		{ kind: 'fail', failure: { kind: 'operation', message: 'Vendor: the portal answered 302 with a redirect that cannot be followed', description: 'Check the portal address in the credential.' } },
	],
	[
		'a move after the most moves: not followed',
		redirectAnswer(302, 'https://third.vendor.test/x'),
		{ moving: true, moves: 2 },
		{ kind: 'fail', failure: { kind: 'operation', message: 'Vendor: the portal answered 302 with a redirect that cannot be followed', description: 'Check the portal address in the credential.' } },
	],
	[
		'a move without Location: not followed',
		answer(302, ''),
		{ moving: true },
		{ kind: 'fail', failure: { kind: 'operation', message: 'Vendor: the portal answered 302 with a redirect that cannot be followed', description: 'Check the portal address in the credential.' } },
	],
];

describe('decide: what the request helper does after one send', () => {
	test.each(cases)('%s', (_name, outcome, row, expected) => {
		expect(decide(input(outcome, row))).toEqual(expected);
	});
});

describe('backoffMs', () => {
	test.each([
		[1, 0, 800],
		[1, 0.5, 1_000],
		[2, 0.5, 2_000],
		[5, 0.5, 16_000],
		[7, 0.5, 30_000],
		[9, 0.999, 30_000 * (0.8 + 0.999 * 0.4)],
	])('attempt %i, jitter %f: %f ms (doubling, capped at 30 s, spread ±20 %%)', (attempt, jitter, expected) => {
		expect(backoffMs(attempt, jitter)).toBeCloseTo(expected, 6);
	});
});
