import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { getTimeScale } from './clock';
import { decide, type Decision, type Failure, type SendOutcome } from './decide';
import { helperApiError, vendorApiError, type ErrorContext } from './errors';
import { CircuitOpenError, governorFor, type AccountGovernor } from './rateGovernor';
import type { ApiRequest, ApiResponse, RawResponse, RequestContext, VendorProfile } from './types';

const REQUEST_TIMEOUT_MS = 60_000;

interface ResolvedCredential {
	type: string;
	data: ICredentialDataDecryptedObject;
}

const credentialCache = new WeakMap<object, ResolvedCredential>();

/** The node's credential, read once per execution context. */
export async function resolveCredential(
	context: RequestContext,
	profile: VendorProfile,
): Promise<ResolvedCredential> {
	const type = profile.credentialType(context);
	const cached = credentialCache.get(context);
	if (cached && cached.type === type) return cached;
	const data = await context.getCredentials(type);
	const resolved = { type, data };
	credentialCache.set(context, resolved);
	return resolved;
}

/** The request budget (and known server clock) of the credential's account. */
function accountGovernor(profile: VendorProfile, credentials: ICredentialDataDecryptedObject): AccountGovernor {
	return governorFor(`${profile.displayName}\u0000${profile.accountKey(credentials)}`, profile.rateLimit);
}

interface CauseInfo {
	code?: string;
	response?: RawResponse;
	aborted: boolean;
}

/** Digs the network code or HTTP response out of the error n8n's HTTP layer threw. */
function inspectError(error: unknown): CauseInfo {
	const info: CauseInfo = { aborted: false };
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current !== null && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as {
			code?: unknown;
			name?: unknown;
			response?: { status?: unknown; headers?: unknown; data?: unknown };
			cause?: unknown;
		};
		if (typeof candidate.code === 'string' && !info.code) info.code = candidate.code;
		if (candidate.name === 'AbortError' || candidate.code === 'ERR_CANCELED') info.aborted = true;
		const response = candidate.response;
		if (!info.response && response && typeof response.status === 'number') {
			info.response = {
				statusCode: response.status,
				headers: (response.headers ?? {}) as RawResponse['headers'],
				body: response.data,
			};
		}
		current = candidate.cause;
	}
	if (!info.code && !info.response) fromOlderNodeApiError(error, info);
	return info;
}

/**
 * n8n 1.x's NodeApiError drops its cause (a class field overwrites it), so what n8n's HTTP layer
 * threw survives only in the error's own fields: `httpCode` holds the network code
 * (`ECONNREFUSED`) or the HTTP status, `context.data` the answer's body (its headers are lost).
 */
function fromOlderNodeApiError(error: unknown, info: CauseInfo): void {
	const candidate = error as { name?: unknown; httpCode?: unknown; context?: { data?: unknown } } | null;
	if (candidate?.name !== 'NodeApiError' || typeof candidate.httpCode !== 'string') return;
	const code = candidate.httpCode;
	if (/^E[A-Z_]+$/.test(code)) {
		info.code = code;
		if (code === 'ERR_CANCELED') info.aborted = true;
	} else if (/^\d{3}$/.test(code)) {
		info.response = { statusCode: Number(code), headers: {}, body: candidate.context?.data };
	}
}

function headerValue(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** The server's time when it sent an answer, from its Date header; undefined without one. */
export function answerTime(headers: RawResponse['headers']): number | undefined {
	const date = headerValue(headers, 'date');
	const serverTime = date ? Date.parse(date) : Number.NaN;
	return Number.isNaN(serverTime) ? undefined : serverTime;
}

/** Re-anchors the account's server clock on every answer's Date header. */
function observeClock(governor: AccountGovernor, headers: RawResponse['headers']): void {
	const serverTime = answerTime(headers);
	if (serverTime !== undefined) governor.serverClock.observe(serverTime);
}

/** Where the attempt goes: a redirect moves it, a move of the account changes its base URL. */
interface Target {
	url: string;
	method: ApiRequest['method'];
	qs: ApiRequest['qs'];
	body: ApiRequest['body'];
}

/**
 * The send step: one attempt through the account's budget and n8n's authenticated HTTP helper.
 * Returns the answer, whatever its status, or what stopped it; throws nothing the decision reads.
 */
async function send(
	context: RequestContext,
	governor: AccountGovernor,
	credential: ResolvedCredential,
	profile: VendorProfile,
	request: ApiRequest,
	target: Target,
	statusErrorsOn: boolean,
): Promise<SendOutcome> {
	let release: () => void;
	try {
		release = await governor.acquire();
	} catch (error) {
		if (error instanceof CircuitOpenError) return { kind: 'paused', retryInMs: error.retryInMs };
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex: request.itemIndex });
	}
	const options: IHttpRequestOptions = {
		method: target.method,
		url: target.url,
		qs: target.qs,
		body: target.body,
		headers: { ...(profile.defaultHeaders ?? {}), ...(request.headers ?? {}) },
		json: true,
		returnFullResponse: true,
		// Every status comes back as a response, except 401: n8n re-authenticates on it.
		ignoreHttpStatusErrors: statusErrorsOn ? false : { ignore: true, except: [401] },
		timeout: REQUEST_TIMEOUT_MS,
		// Redirects are decided on here, not by n8n's HTTP client: it sends the Authorization
		// header on to whatever host the Location names.
		disableFollowRedirect: true,
	};
	if (profile.qsArrayFormat) options.arrayFormat = profile.qsArrayFormat;
	try {
		const full = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			credential.type,
			options,
			request.credentialOptions,
		)) as { statusCode: number; headers: RawResponse['headers']; body: unknown };
		const response = { statusCode: full.statusCode, headers: full.headers ?? {}, body: full.body };
		observeClock(governor, response.headers);
		return { kind: 'answer', response };
	} catch (error) {
		const cause = inspectError(error);
		if (cause.aborted) return { kind: 'cancelled' };
		if (cause.response) {
			observeClock(governor, cause.response.headers);
			return { kind: 'answer', response: cause.response, thrown: true };
		}
		return { kind: 'network', code: cause.code, message: error instanceof Error ? error.message : 'network error' };
	} finally {
		release();
	}
}

/**
 * The one request helper: send through the account's budget, then let {@link decide} say what
 * the answer means (retry, follow a redirect, fail, done), and do that.
 */
export async function apiRequest<T = unknown>(
	this: RequestContext,
	profile: VendorProfile,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const credential = await resolveCredential(this, profile);
	const secrets = profile.secrets(credential.data);
	// The node is read when an error is built: n8n's getNode copies the whole node each time.
	const context = this;
	const errorContext: ErrorContext = {
		get node() {
			return context.getNode();
		},
		profile,
		request,
		secrets,
	};
	// Before anything else reads the host: the account key and base URL of a bad host would throw.
	const problem = profile.credentialProblem?.(credential.data);
	if (problem) {
		// A bad host in the credential: say which field, send nothing.
		throw new NodeOperationError(this.getNode(), `Credential: ${problem}`, { itemIndex: request.itemIndex });
	}
	const baseUrl = profile.baseUrl(credential.data).replace(/\/+$/, '');
	const url = /^https?:\/\//.test(request.path)
		? request.path
		: `${baseUrl}/${request.path.replace(/^\/+/, '')}`;
	// Credentials go only to the account's own host, whatever link a response carried.
	if (new URL(url).origin !== new URL(baseUrl).origin) {
		throw new NodeOperationError(this.getNode(), `Refused to send credentials to another host than ${new URL(baseUrl).origin}`);
	}
	let governor = accountGovernor(profile, credential.data);
	const state: LoopState = {
		target: { url, method: request.method, qs: request.qs, body: request.body },
		accountOrigin: new URL(baseUrl).origin,
		outcomeUnknown: false,
		reauthenticated: false,
		reauthenticateNow: false,
		redirects: 0,
		moves: 0,
	};
	for (let attempt = 1; ; attempt++) {
		const outcome = await send(this, governor, credential, profile, request, state.target, state.reauthenticateNow);
		const decision = decide({ outcome, attempt, profile, request, ...state, jitter: Math.random() });
		if (decision.limitAnswer) governor.recordLimitAnswer();
		if (decision.pauseAccountMs !== undefined) governor.pause(decision.pauseAccountMs);
		if (decision.kind === 'done') return decision.response as ApiResponse<T>;
		if (decision.kind === 'fail') throw await failureError(this, errorContext, credential, decision.failure, outcome);
		if (decision.kind === 'redirect' && decision.accountMovedTo !== undefined) {
			// Later requests go to the new host: its base URL and budget are the account's now.
			profile.accountMoves?.moved(credential.data, decision.accountMovedTo);
			governor = accountGovernor(profile, credential.data);
		}
		if (advance(state, decision)) attempt--;
		if (decision.kind === 'retry' && decision.sleepMs > 0) await sleep(decision.sleepMs / getTimeScale());
	}
}

/** What the request loop carries from one send to the next. */
interface LoopState {
	/** Where the next attempt goes: a redirect moves it. */
	target: Target;
	/** Credentials go to no other origin, unless the account moved. */
	accountOrigin: string;
	/** An earlier attempt may have been processed: its answer was a server error or was lost. */
	outcomeUnknown: boolean;
	/**
	 * n8n 1.x ignores `except: [401]` and hands a 401 back as an answer, so it never
	 * re-authenticates: the request is then sent once more with status errors on, and n8n's own
	 * 401 handling (preAuthentication again, OAuth2 refresh) runs. A 401 means nothing was done.
	 */
	reauthenticated: boolean;
	reauthenticateNow: boolean;
	redirects: number;
	moves: number;
}

/**
 * Carries a retry or a redirect into the loop's state. True when the next send is the same
 * attempt: redirects and the resend after a 401 are no attempts of their own.
 */
function advance(state: LoopState, decision: Extract<Decision, { kind: 'retry' | 'redirect' }>): boolean {
	state.reauthenticateNow = false;
	if (decision.kind === 'retry') {
		state.outcomeUnknown ||= decision.outcomeUnknown === true;
		if (!decision.reauthenticate) return false;
		state.reauthenticated = state.reauthenticateNow = true;
		return true;
	}
	const { target } = state;
	target.url = decision.url;
	target.method = decision.method as ApiRequest['method'];
	if (decision.accountMovedTo === undefined) {
		state.redirects++;
		target.qs = undefined;
	} else {
		state.moves++;
		state.accountOrigin = decision.accountMovedTo;
	}
	if (decision.asGet) target.body = undefined;
	return true;
}

/** The n8n error of a failure, its secrets redacted. */
async function failureError(
	context: RequestContext,
	errorContext: ErrorContext,
	credential: ResolvedCredential,
	failure: Failure,
	outcome: SendOutcome,
): Promise<Error> {
	const { itemIndex } = errorContext.request;
	if (failure.kind === 'operation') {
		return new NodeOperationError(context.getNode(), failure.message, { itemIndex, description: failure.description });
	}
	if (outcome.kind === 'answer' || outcome.kind === 'network') {
		// n8n may have changed the credential while sending (preAuthentication fetched a session
		// token, OAuth2 refreshed its token): read it again so its new secrets are redacted too.
		try {
			const fresh = await context.getCredentials(credential.type);
			errorContext.secrets = [...new Set([...errorContext.secrets, ...errorContext.profile.secrets(fresh)])];
		} catch {
			// Keep the secrets already known.
		}
	}
	if (failure.kind === 'vendor') return vendorApiError(errorContext, failure.response, failure.note);
	return helperApiError(errorContext, failure.message, failure.description, failure.httpCode);
}

/**
 * The server's idea of now (ms), from the Date headers the account's responses carried;
 * undefined until this process has seen one.
 */
export function serverNow(profile: VendorProfile, credentials: ICredentialDataDecryptedObject): number | undefined {
	return accountGovernor(profile, credentials).serverClock.now();
}
