import { isSecureOrLoopback } from '../../../credentials/shared/serviceUrl';
import type { ApiRequest, ApiResponse, RawResponse, VendorProfile } from './types';

/** Attempts per request, the first included. */
export const MAX_ATTEMPTS = 5;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** The longest limit wait honoured inside a run. */
export const MAX_RETRY_AFTER_MS = 120_000;
/** Redirects followed per request on the account's own host. */
export const MAX_REDIRECTS = 5;

/** Network failures that prove the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** What one send step came back with. */
export type SendOutcome =
	/** The account's budget refused to send: too many limit answers in a row. Nothing was sent. */
	| { kind: 'paused'; retryInMs: number }
	/** The execution was cancelled. */
	| { kind: 'cancelled' }
	/** No answer: `code` is the network code (ECONNREFUSED...), when known. */
	| { kind: 'network'; code?: string; message: string }
	/**
	 * An HTTP answer. `thrown`: n8n's HTTP layer threw it instead of returning it (a 401 after
	 * n8n's own re-authentication, an answer met by preAuthentication, an error status older n8n threw).
	 */
	| { kind: 'answer'; response: RawResponse; thrown?: boolean };

/** What the request loop knows besides the outcome. */
export interface DecisionInput {
	outcome: SendOutcome;
	/** 1 for the first attempt; redirects and the 401 resend do not count. */
	attempt: number;
	profile: Pick<VendorProfile, 'displayName' | 'limitSignal' | 'emptyStatuses' | 'accountMoves'>;
	request: Pick<ApiRequest, 'method' | 'idempotent' | 'returnErrorAnswer' | 'doneWhenRepeatAnswers'>;
	/** Where the attempt went (a redirect may have moved it from the request's own URL and method). */
	target: { url: string; method: string };
	/** The origin of the account's base URL: credentials go nowhere else unless the account moved. */
	accountOrigin: string;
	/** An earlier attempt may have been processed: its answer was a server error or was lost. */
	outcomeUnknown: boolean;
	/** Whether the one resend after a 401 answer (n8n 1.x) was already used. */
	reauthenticated: boolean;
	/** Redirects followed so far on the account's own host, and moves of the account to another host. */
	redirects: number;
	moves: number;
	/** In [0, 1): spreads the backoff (`Math.random()` in the helper, fixed in tests). */
	jitter: number;
}

/** What the loop does to the account's budget, whatever the decision. */
export interface BudgetEffects {
	/** The answer was a rate-limit answer (counts towards the circuit breaker). */
	limitAnswer?: boolean;
	/** Every request of the account waits this long (ms). */
	pauseAccountMs?: number;
}

/** Why a request failed; the loop turns it into the n8n error. */
export type Failure =
	/** The vendor's error answer, with what the helper did about it. */
	| { kind: 'vendor'; response: RawResponse; note?: string }
	/** An error the helper words itself (retries used up, outcome unknown...). */
	| { kind: 'helper'; message: string; description: string; httpCode?: number }
	/** Not about the vendor's answer: a cancelled run, a redirect that is not followed. */
	| { kind: 'operation'; message: string; description?: string };

export type Decision = BudgetEffects &
	(
		| {
				kind: 'retry';
				/** Wait this long (ms) before sending again, this request only. */
				sleepMs: number;
				/** Mark the outcome of the write unknown from now on. */
				outcomeUnknown?: boolean;
				/** n8n 1.x: send once more with status errors on, so that n8n re-authenticates. Not an attempt of its own. */
				reauthenticate?: boolean;
		  }
		| {
				kind: 'redirect';
				url: string;
				method: string;
				/** A redirected write continues as a GET without body and query. */
				asGet: boolean;
				/** The account moved to this origin (a renamed portal): later requests go there. */
				accountMovedTo?: string;
		  }
		| { kind: 'fail'; failure: Failure }
		| { kind: 'done'; response: ApiResponse }
	);

function isIdempotent(request: DecisionInput['request']): boolean {
	if (request.idempotent !== undefined) return request.idempotent;
	return ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(request.method);
}

/** The wait before attempt `attempt + 1`; jitter keeps parallel executions from retrying in lockstep. */
export function backoffMs(attempt: number, jitter: number): number {
	const base = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
	return base * (0.8 + jitter * 0.4);
}

function headerValue(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

const retry = (sleepMs: number, extra: Partial<Extract<Decision, { kind: 'retry' }>> = {}): Decision => ({
	kind: 'retry',
	sleepMs,
	...extra,
});
const fail = (failure: Failure, effects: BudgetEffects = {}): Decision => ({ kind: 'fail', failure, ...effects });

/**
 * The pure decision of the request helper: after one send, retry (after how long), follow a
 * redirect, fail (with what), or done. Limit answers are retried for every method, after the
 * server's wait. Server errors and network faults are retried only for idempotent requests; a
 * write whose fate is unknown fails with an error that says so and is never sent twice.
 */
export function decide(input: DecisionInput): Decision {
	const { outcome, profile } = input;
	switch (outcome.kind) {
		case 'paused':
			return fail({
				kind: 'helper',
				message: 'too many rate-limit answers in a row',
				description: `${profile.displayName} kept refusing requests for exceeding its rate limit, so requests to this account are paused for ${Math.ceil(outcome.retryInMs / 1000)} s to stay clear of an automatic ban. Run fewer workflows against this account at once, or retry later.`,
				httpCode: 429,
			});
		case 'cancelled':
			// A new message: the HTTP error would carry the request's headers.
			return fail({ kind: 'operation', message: 'The request was cancelled' });
		case 'network':
			return afterNetworkFault(input, outcome);
		case 'answer':
			return outcome.thrown ? afterThrownAnswer(input, outcome.response) : afterAnswer(input, outcome.response);
	}
}

function afterNetworkFault(input: DecisionInput, fault: { code?: string; message: string }): Decision {
	const { attempt, profile } = input;
	const idempotent = isIdempotent(input.request);
	const neverSent = fault.code !== undefined && NOT_SENT_CODES.has(fault.code);
	if ((idempotent || neverSent) && attempt < MAX_ATTEMPTS) {
		return retry(backoffMs(attempt, input.jitter), neverSent ? {} : { outcomeUnknown: true });
	}
	const what = fault.code ?? fault.message;
	if (!idempotent && !neverSent) {
		return fail({
			kind: 'helper',
			message: 'the outcome of this write is unknown',
			description: `The connection failed (${what}) after the request was sent, so ${profile.displayName} may or may not have applied it. It was not sent again, to avoid a duplicate: check the data in ${profile.displayName} before running this item again.`,
		});
	}
	return fail({ kind: 'helper', message: 'the service could not be reached', description: `The request failed ${attempt} times (${what}).` });
}

/**
 * An answer n8n's HTTP layer threw, e.g. met by preAuthentication's token request: a limit answer
 * (nothing was processed) or, for an idempotent request, a server error is retried as if the
 * request itself had met it. Else (a 401 after n8n's own re-authentication...) it is the error.
 */
function afterThrownAnswer(input: DecisionInput, response: RawResponse): Decision {
	const { attempt, profile } = input;
	const signal = profile.limitSignal(response);
	const waitMs = signal.kind === 'limited' ? (signal.retryAfterMs ?? backoffMs(attempt, input.jitter)) : undefined;
	if (waitMs !== undefined && waitMs <= MAX_RETRY_AFTER_MS && attempt < MAX_ATTEMPTS) {
		return retry(0, { limitAnswer: true, pauseAccountMs: waitMs });
	}
	if (response.statusCode >= 500 && isIdempotent(input.request) && attempt < MAX_ATTEMPTS) {
		return retry(backoffMs(attempt, input.jitter));
	}
	return fail({ kind: 'vendor', response });
}

function afterAnswer(input: DecisionInput, response: RawResponse): Decision {
	const { attempt, profile } = input;
	const status = response.statusCode;
	if (status === 401 && !input.reauthenticated) return retry(0, { reauthenticate: true });

	const signal = profile.limitSignal(response);
	if (signal.kind === 'blocked') {
		return fail({ kind: 'helper', message: signal.message, description: 'Requests were stopped and will not be retried.', httpCode: status });
	}
	if (signal.kind === 'limited' && signal.scope === 'request') {
		// A quota of this kind of request only: nothing of the account waits for it, and the
		// request is repeated only after the wait its answer names.
		const waitMs = signal.retryAfterMs;
		if (waitMs !== undefined && waitMs <= MAX_RETRY_AFTER_MS && attempt < MAX_ATTEMPTS) return retry(waitMs);
		return fail({
			kind: 'vendor',
			response,
			note:
				waitMs === undefined
					? 'Not repeated: the answer names no time after which this limit lets the request through.'
					: `${profile.displayName} asks to wait ${Math.ceil(waitMs / 1000)} s before this request; that is longer than a run should wait. Retry later.`,
		});
	}
	if (signal.kind === 'limited') {
		const waitMs = signal.retryAfterMs ?? backoffMs(attempt, input.jitter);
		const effects = { limitAnswer: true, pauseAccountMs: Math.min(waitMs, MAX_RETRY_AFTER_MS) };
		if (waitMs > MAX_RETRY_AFTER_MS) {
			// Holding an execution for many minutes helps nobody: say so and stop.
			const note = `${profile.displayName} asks to wait ${Math.ceil(waitMs / 1000)} s before the next request; that is longer than a run should wait. Retry later.`;
			return fail({ kind: 'vendor', response, note }, effects);
		}
		if (attempt < MAX_ATTEMPTS) return retry(0, effects);
		const note = `Still refused for exceeding the rate limit after ${attempt} attempts. Run fewer workflows against this account at once, or retry later.`;
		return fail({ kind: 'vendor', response, note }, effects);
	}

	// The answer says the budget is spent: later requests of the account wait.
	const decision = afterAcceptedAnswer(input, response);
	return signal.pauseMs ? { ...decision, pauseAccountMs: Math.min(signal.pauseMs, MAX_RETRY_AFTER_MS) } : decision;
}

/** An answer that is no limit answer: a redirect, the result, or an error. */
function afterAcceptedAnswer(input: DecisionInput, response: RawResponse): Decision {
	const { attempt, profile } = input;
	const status = response.statusCode;
	const idempotent = isIdempotent(input.request);
	if (status >= 300 && status < 400) {
		const redirect = followRedirect(input, response);
		if (redirect) return redirect;
	}
	const readByCaller = status >= 400 && input.request.returnErrorAnswer?.(response) === true;
	if ((status >= 200 && status < 300) || readByCaller) {
		const empty = profile.emptyStatuses?.includes(status) || response.body === '';
		return { kind: 'done', response: { statusCode: status, headers: response.headers, body: empty ? undefined : response.body } };
	}
	if (input.outcomeUnknown && input.request.doneWhenRepeatAnswers?.(response)) {
		return { kind: 'done', response: { statusCode: status, headers: response.headers, body: response.body, alreadyDone: true } };
	}
	if (status >= 500 && idempotent && attempt < MAX_ATTEMPTS) return retry(backoffMs(attempt, input.jitter), { outcomeUnknown: true });
	if (status >= 500 && !idempotent) {
		const note = `This write was not sent again: a server error leaves its outcome unknown. Check the data in ${profile.displayName} before running this item again.`;
		return fail({ kind: 'vendor', response, note });
	}
	if (status >= 500) return fail({ kind: 'vendor', response, note: `The request failed ${attempt} times.` });
	return fail({ kind: 'vendor', response });
}

/**
 * A redirect followed here, not by n8n's HTTP client (it sends the Authorization header on to
 * whatever host the Location names). On the account's own host it is followed as browsers do;
 * to another host only where the profile says the account moved there. Undefined: the 3xx is
 * the answer (an error).
 */
function followRedirect(input: DecisionInput, response: RawResponse): Decision | undefined {
	const { profile, target } = input;
	const status = response.statusCode;
	const location = headerValue(response.headers, 'location');
	let next: URL | undefined;
	try {
		next = location ? new URL(location, target.url) : undefined;
	} catch {
		// An unreadable Location: the 3xx is reported as the answer it is.
	}
	const moves = profile.accountMoves;
	if (moves) return moveAccount(input, status, next, moves);
	if (!next) return undefined;
	if (next.origin !== input.accountOrigin) {
		return fail({
			kind: 'helper',
			message: 'the server redirected the request to another host',
			description: `${profile.displayName} answered ${status} with a redirect to ${next.origin}. The request was not sent there: credentials go only to the account's own host. Check the address in the credential.`,
			httpCode: status,
		});
	}
	if (input.redirects >= MAX_REDIRECTS) return undefined;
	// As browsers and HTTP clients do: 303, and 301/302 after a write, continue as a GET.
	const asGet = status === 303 || ((status === 301 || status === 302) && !['GET', 'HEAD'].includes(target.method));
	return { kind: 'redirect', url: next.href, method: asGet ? 'GET' : target.method, asGet };
}

/**
 * An account that moved (a renamed portal redirects every request): the same request, method
 * and body, goes to the new origin, only over HTTPS (plain HTTP only between local sandboxes)
 * and only to a host the profile accepts, since the secret goes along.
 */
function moveAccount(
	input: DecisionInput,
	status: number,
	next: URL | undefined,
	moves: NonNullable<VendorProfile['accountMoves']>,
): Decision {
	const { profile, accountOrigin } = input;
	if (!next || !isSecureOrLoopback(next) || next.origin === accountOrigin || input.moves >= moves.max) {
		return fail({
			kind: 'operation',
			message: `${profile.displayName}: the ${moves.noun} answered ${status} with a redirect that cannot be followed`,
			description: `Check the ${moves.noun} address in the credential.`,
		});
	}
	if (!moves.mayMoveTo(new URL(accountOrigin), next)) {
		return fail({
			kind: 'operation',
			message: `${profile.displayName}: the ${moves.noun} redirected the request to ${next.host}, which is ${moves.notAcceptable}: not followed`,
			description: `Nothing was sent there, no secret included. If the ${moves.noun} really moved, put its new address into the credential.`,
		});
	}
	const current = new URL(input.target.url);
	return {
		kind: 'redirect',
		url: `${next.origin}${current.pathname}${current.search}`,
		method: input.target.method,
		asGet: false,
		accountMovedTo: next.origin,
	};
}
