import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { getTimeScale } from './clock';
import { helperApiError, vendorApiError, type ErrorContext } from './errors';
import { CircuitOpenError, governorFor, type AccountGovernor } from './rateGovernor';
import type { ApiRequest, ApiResponse, RawResponse, RequestContext, VendorProfile } from './types';

/** Attempts per request, the first included. */
const MAX_ATTEMPTS = 5;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
const REQUEST_TIMEOUT_MS = 60_000;
/** The longest limit wait honoured inside a run. */
const MAX_RETRY_AFTER_MS = 120_000;
/** Redirects followed per request (same host only). */
const MAX_REDIRECTS = 5;

/** Network failures that prove the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

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

function isIdempotent(request: ApiRequest): boolean {
	if (request.idempotent !== undefined) return request.idempotent;
	return ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(request.method);
}

function backoffMs(attempt: number): number {
	const base = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
	// Jitter keeps parallel executions from retrying in lockstep.
	return base * (0.8 + Math.random() * 0.4);
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

/**
 * The one request helper: throttle -> authenticated HTTP -> retry -> errors.
 * Limit answers are retried for every method, after the server's wait. Server errors and
 * network faults are retried only for idempotent requests; a write whose fate is unknown
 * fails with an error that says so and is never sent twice.
 */
export async function apiRequest<T = unknown>(
	this: RequestContext,
	profile: VendorProfile,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const credential = await resolveCredential(this, profile);
	const secrets = profile.secrets(credential.data);
	const errorContext: ErrorContext = { node: this.getNode(), profile, request, secrets };
	// Before anything else reads the host: the account key and base URL of a bad host would throw.
	const problem = profile.credentialProblem?.(credential.data);
	if (problem) {
		// A bad host in the credential: say which field, send nothing.
		throw new NodeOperationError(this.getNode(), `Credential: ${problem}`, { itemIndex: request.itemIndex });
	}
	const governor = accountGovernor(profile, credential.data);
	/**
	 * n8n may have changed the credential while sending (preAuthentication fetched a session
	 * token, OAuth2 refreshed its token): read it again so its new secrets are redacted too.
	 */
	const refreshSecrets = async (): Promise<void> => {
		try {
			const fresh = await this.getCredentials(credential.type);
			errorContext.secrets = [...new Set([...secrets, ...profile.secrets(fresh)])];
		} catch {
			// Keep the secrets already known.
		}
	};
	const baseUrl = profile.baseUrl(credential.data).replace(/\/+$/, '');
	const url = /^https?:\/\//.test(request.path)
		? request.path
		: `${baseUrl}/${request.path.replace(/^\/+/, '')}`;
	// Credentials go only to the account's own host, whatever link a response carried.
	if (new URL(url).origin !== new URL(baseUrl).origin) {
		throw new NodeOperationError(this.getNode(), `Refused to send credentials to another host than ${new URL(baseUrl).origin}`);
	}
	const idempotent = isIdempotent(request);
	// Where the request goes now: a redirect on the account's own host moves it.
	const target = { url, method: request.method, qs: request.qs, body: request.body };
	let redirects = 0;
	/** An earlier attempt may have been processed: its answer was a server error or was lost. */
	let outcomeUnknown = false;
	/**
	 * n8n 1.x ignores `except: [401]` and hands a 401 back as an answer, so it never
	 * re-authenticates: the request is then sent once more with status errors on, and n8n's own
	 * 401 handling (preAuthentication again, OAuth2 refresh) runs. A 401 means nothing was done.
	 */
	let reauthentication: 'unused' | 'now' | 'used' = 'unused';

	for (let attempt = 1; ; attempt++) {
		let release: () => void;
		try {
			release = await governor.acquire();
		} catch (error) {
			if (error instanceof CircuitOpenError) {
				throw helperApiError(
					errorContext,
					'too many rate-limit answers in a row',
					`${profile.displayName} kept refusing requests for exceeding its rate limit, so requests to this account are paused for ${Math.ceil(error.retryInMs / 1000)} s to stay clear of an automatic ban. Run fewer workflows against this account at once, or retry later.`,
					429,
				);
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: request.itemIndex });
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
			ignoreHttpStatusErrors: reauthentication === 'now' ? false : { ignore: true, except: [401] },
			timeout: REQUEST_TIMEOUT_MS,
		};
		if (reauthentication === 'now') reauthentication = 'used';
		if (profile.qsArrayFormat) options.arrayFormat = profile.qsArrayFormat;
		// Redirects are followed here, not by n8n's HTTP client: it sends the Authorization
		// header on to whatever host the Location names.
		options.disableFollowRedirect = true;

		let response: RawResponse;
		try {
			const full = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				credential.type,
				options,
				request.credentialOptions,
			)) as { statusCode: number; headers: RawResponse['headers']; body: unknown };
			response = { statusCode: full.statusCode, headers: full.headers ?? {}, body: full.body };
		} catch (error) {
			release();
			const cause = inspectError(error);
			if (cause.aborted) {
				// The execution was cancelled. A new message: the HTTP error would carry the request's headers.
				throw new NodeOperationError(this.getNode(), 'The request was cancelled', { itemIndex: request.itemIndex });
			}
			if (cause.response) {
				observeClock(governor, cause.response.headers);
				// An answer met on the way, e.g. by preAuthentication's token request: a limit answer
				// (nothing was processed) or, for an idempotent request, a server error is retried
				// as if the request itself had met it.
				const signal = profile.limitSignal(cause.response);
				const waitMs = signal.kind === 'limited' ? (signal.retryAfterMs ?? backoffMs(attempt)) : undefined;
				if (waitMs !== undefined && waitMs <= MAX_RETRY_AFTER_MS && attempt < MAX_ATTEMPTS) {
					governor.recordLimitAnswer();
					governor.pause(waitMs);
					continue;
				}
				if (cause.response.statusCode >= 500 && idempotent && attempt < MAX_ATTEMPTS) {
					await sleep(backoffMs(attempt) / getTimeScale());
					continue;
				}
				// 401 after n8n's own re-authentication, or an error status older n8n threw.
				await refreshSecrets();
				throw vendorApiError(errorContext, cause.response);
			}
			const neverSent = cause.code !== undefined && NOT_SENT_CODES.has(cause.code);
			if ((idempotent || neverSent) && attempt < MAX_ATTEMPTS) {
				if (!neverSent) outcomeUnknown = true;
				await sleep(backoffMs(attempt) / getTimeScale());
				continue;
			}
			await refreshSecrets();
			const what = cause.code ?? (error instanceof Error ? error.message : 'network error');
			if (!idempotent && !neverSent) {
				throw helperApiError(
					errorContext,
					'the outcome of this write is unknown',
					`The connection failed (${what}) after the request was sent, so ${profile.displayName} may or may not have applied it. It was not sent again, to avoid a duplicate: check the data in ${profile.displayName} before running this item again.`,
				);
			}
			throw helperApiError(
				errorContext,
				'the service could not be reached',
				`The request failed ${attempt} times (${what}).`,
			);
		}
		release();
		observeClock(governor, response.headers);
		if (response.statusCode === 401 && reauthentication === 'unused') {
			// n8n 1.x: see `reauthentication`. Not an attempt of its own.
			reauthentication = 'now';
			attempt--;
			continue;
		}

		const signal = profile.limitSignal(response);
		if (signal.kind === 'ok' && signal.pauseMs) governor.pause(Math.min(signal.pauseMs, MAX_RETRY_AFTER_MS));
		if (signal.kind === 'blocked') {
			await refreshSecrets();
			throw helperApiError(errorContext, signal.message, 'Requests were stopped and will not be retried.', response.statusCode);
		}
		if (signal.kind === 'limited' && signal.scope === 'request') {
			// A quota of this kind of request only: nothing of the account waits for it, and the
			// request is repeated only after the wait its answer names.
			const waitMs = signal.retryAfterMs;
			if (waitMs !== undefined && waitMs <= MAX_RETRY_AFTER_MS && attempt < MAX_ATTEMPTS) {
				await sleep(waitMs / getTimeScale());
				continue;
			}
			await refreshSecrets();
			throw vendorApiError(
				errorContext,
				response,
				waitMs === undefined
					? 'Not repeated: the answer names no time after which this limit lets the request through.'
					: `${profile.displayName} asks to wait ${Math.ceil(waitMs / 1000)} s before this request; that is longer than a run should wait. Retry later.`,
			);
		}
		if (signal.kind === 'limited') {
			governor.recordLimitAnswer();
			const waitMs = signal.retryAfterMs ?? backoffMs(attempt);
			governor.pause(Math.min(waitMs, MAX_RETRY_AFTER_MS));
			if (waitMs > MAX_RETRY_AFTER_MS) {
				// Holding an execution for many minutes helps nobody: say so and stop.
				await refreshSecrets();
				throw vendorApiError(
					errorContext,
					response,
					`${profile.displayName} asks to wait ${Math.ceil(waitMs / 1000)} s before the next request; that is longer than a run should wait. Retry later.`,
				);
			}
			if (attempt < MAX_ATTEMPTS) continue;
			await refreshSecrets();
			throw vendorApiError(
				errorContext,
				response,
				`Still refused for exceeding the rate limit after ${attempt} attempts. Run fewer workflows against this account at once, or retry later.`,
			);
		}

		const status = response.statusCode;
		const location = status >= 300 && status < 400 ? headerValue(response.headers, 'location') : undefined;
		let next: URL | undefined;
		try {
			next = location ? new URL(location, target.url) : undefined;
		} catch {
			// An unreadable Location: the 3xx is reported as the answer it is.
		}
		if (next && request.followRedirects !== false) {
			if (next.origin !== new URL(baseUrl).origin) {
				await refreshSecrets();
				throw helperApiError(
					errorContext,
					'the server redirected the request to another host',
					`${profile.displayName} answered ${status} with a redirect to ${next.origin}. The request was not sent there: credentials go only to the account's own host. Check the address in the credential.`,
					status,
				);
			}
			if (redirects < MAX_REDIRECTS) {
				redirects++;
				// As browsers and HTTP clients do: 303, and 301/302 after a write, continue as a GET.
				if (status === 303 || ((status === 301 || status === 302) && !['GET', 'HEAD'].includes(target.method))) {
					target.method = 'GET';
					target.body = undefined;
				}
				target.url = next.href;
				target.qs = undefined;
				attempt--;
				continue;
			}
		}
		const redirect = request.followRedirects === false && status >= 300 && status < 400;
		const readByCaller = status >= 400 && request.returnErrorAnswer?.(response) === true;
		if ((status >= 200 && status < 300) || redirect || readByCaller) {
			const empty = profile.emptyStatuses?.includes(status) || response.body === '';
			return {
				statusCode: status,
				headers: response.headers,
				body: (empty ? undefined : response.body) as T,
			};
		}
		if (outcomeUnknown && request.doneWhenRepeatAnswers?.(response)) {
			return { statusCode: status, headers: response.headers, body: response.body as T, alreadyDone: true };
		}
		if (status >= 500 && idempotent && attempt < MAX_ATTEMPTS) {
			outcomeUnknown = true;
			await sleep(backoffMs(attempt) / getTimeScale());
			continue;
		}
		await refreshSecrets();
		if (status >= 500 && !idempotent) {
			throw vendorApiError(
				errorContext,
				response,
				`This write was not sent again: a server error leaves its outcome unknown. Check the data in ${profile.displayName} before running this item again.`,
			);
		}
		if (status >= 500) {
			throw vendorApiError(errorContext, response, `The request failed ${attempt} times.`);
		}
		throw vendorApiError(errorContext, response);
	}
}

/**
 * The server's idea of now (ms), from the Date headers the account's responses carried;
 * undefined until this process has seen one.
 */
export function serverNow(profile: VendorProfile, credentials: ICredentialDataDecryptedObject): number | undefined {
	return accountGovernor(profile, credentials).serverClock.now();
}
