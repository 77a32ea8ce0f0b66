import { DateTime } from 'luxon';
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { isoInZone } from '../shared/dates';
import { plainErrorMessage } from '../shared/transport/errors';
import { stringValues } from '../shared/transport/redact';
import { apiRequest } from '../shared/transport/request';
import type { LimitSignal, ParsedVendorError, RawResponse, RequestContext, VendorProfile } from '../shared/transport/types';
import { pyrusApiBase, pyrusConfiguredApi, pyrusServerProblem } from '../../credentials/Pyrus/endpoints';

/** Largest `item_count` of a form register answer. */
export const PYRUS_REGISTER_CAP = 20_000;
/** Default `item_count` of a list's tasks (the vendor's own default). */
export const PYRUS_LIST_PAGE = 200;
/** What "Return All" asks of the inbox, which has no paging (its default is 50). */
export const PYRUS_INBOX_ALL = 1000;

function header(response: RawResponse, name: string): string | undefined {
	const value = response.headers[name] ?? response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function errorBody(response: RawResponse): IDataObject | undefined {
	const body = response.body;
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : undefined;
}

/** Pyrus's stable error code of an answer, if any. */
function pyrusErrorCode(body: unknown): string | undefined {
	const code = (body as IDataObject | undefined)?.error_code;
	return typeof code === 'string' ? code : undefined;
}

/** Fixes for the error codes a user can act on (https://pyrus.com/en/help/api/errors-and-limits, and the official SDKs). */
const CODE_HINTS: Record<string, string> = {
	invalid_credentials:
		'Check the login and security key in the credential (a bot\'s login looks like bot@…; a new security key invalidates the old one).',
	account_blocked: 'The Pyrus account of this login is blocked.',
	access_denied_task: 'The task does not exist or this login has no access to it.',
	unrecognized_task_id: 'The task does not exist or this login has no access to it.',
	access_denied_form: 'The form does not exist or this login is not a member or manager of it.',
	task_delete_limit_exceeded: 'Pyrus limits task deletions separately from other requests: delete the rest later.',
};

function parseError(response: RawResponse): ParsedVendorError {
	const body = errorBody(response);
	if (body) {
		const text = [body.error, body.error_message].find((value) => typeof value === 'string' && value !== '') as string | undefined;
		const code = pyrusErrorCode(body);
		if (text || code) {
			return { message: [text, code ? `(${code})` : undefined].filter(Boolean).join(' '), description: code ? CODE_HINTS[code] : undefined };
		}
	}
	return plainErrorMessage(response);
}

/** A fix by status, when the error code had none of its own. */
function hint(statusCode: number, parsed: ParsedVendorError): string | undefined {
	if (parsed.description) return undefined;
	switch (statusCode) {
		case 401:
			return 'The token was refused even after a new one was requested: check the credential\'s login, security key and server URL.';
		case 403:
			return 'This login lacks the rights for this (add the bot or user to the form, list or task).';
		case 404:
			return 'Nothing was found at this address: check the ID and the credential\'s server URL.';
		default:
			return undefined;
	}
}

export const pyrusProfile: VendorProfile = {
	displayName: 'Pyrus',
	credentialType: () => 'pyrusApi',
	credentialProblem: pyrusServerProblem,
	baseUrl: pyrusApiBase,
	// Pyrus counts requests per user (login), not per token.
	accountKey: (credentials) =>
		`${pyrusConfiguredApi(credentials)}|${String(credentials.login ?? '').trim().toLowerCase()}|${String(credentials.personId ?? '').trim()}`,
	secrets: (credentials) => stringValues(credentials, ['secretKey', 'accessToken']),
	// 5,000 requests in any 10 minutes per user: the window binds, so a job may use the budget at
	// once (five at a time); X-RateLimit-Remaining: 0 pauses the account until the reset.
	rateLimit: { capacity: 5000, refillPerSecond: 5000 / 600, maxInFlight: 5, window: { limit: 5000, windowMs: 600_000 } },
	limitSignal(response: RawResponse): LimitSignal {
		// X-RateLimit-Reset: seconds until the next interval.
		const reset = Number(header(response, 'x-ratelimit-reset'));
		const resetMs = Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
		if (response.statusCode === 429 && pyrusErrorCode(response.body) === 'task_delete_limit_exceeded') {
			// Deletions have a quota of their own (task_delete_limit_exceeded, an error code of the
			// official SDKs): X-RateLimit-* tell of the 5,000-request window
			// (https://pyrus.com/en/help/api/errors-and-limits), not of it. Only a Retry-After of its
			// own says when.
			const retryAfter = Number(header(response, 'retry-after'));
			return { kind: 'limited', scope: 'request', retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined };
		}
		if (response.statusCode === 429) return { kind: 'limited', retryAfterMs: resetMs };
		// The last request of the interval went through: the next ones wait for the new interval.
		if (header(response, 'x-ratelimit-remaining') === '0' && resetMs) return { kind: 'ok', pauseMs: resetMs };
		return { kind: 'ok' };
	},
	parseError,
	hint,
	defaultHeaders: { Accept: 'application/json' },
};

/**
 * Whether an error answer says the task is not there. Which answer a missing task gets is not
 * documented (unconfirmed): 403 `access_denied_task`, 400 `unrecognized_task_id` or 404.
 */
export function pyrusTaskGone(response: RawResponse): boolean {
	const code = pyrusErrorCode(response.body);
	return (
		response.statusCode === 404 ||
		(response.statusCode === 400 && code === 'unrecognized_task_id') ||
		(response.statusCode === 403 && code === 'access_denied_task')
	);
}

export interface PyrusRequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	itemIndex?: number;
	idempotent?: boolean;
}

/** A request to the Pyrus API; `path` is below the API base (…/v4). */
export async function pyrusRequest(
	this: RequestContext,
	method: IHttpRequestMethods,
	path: string,
	options: PyrusRequestOptions = {},
): Promise<IDataObject> {
	const response = await apiRequest.call(this, pyrusProfile, { method, path, ...options });
	return (response.body ?? {}) as IDataObject;
}

/** A Pyrus UTC time ("2017-08-17T14:31:18Z") or date ("2017-08-17") as ISO in the workflow's zone. */
export function pyrusTimeToIso(value: unknown, timezone: string): string | null {
	if (typeof value !== 'string' || value === '') return null;
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
	const parsed = DateTime.fromISO(value, { zone: 'utc' });
	return parsed.isValid ? isoInZone(parsed, timezone) : null;
}

/** Pyrus's date-time format: UTC, whole seconds, `Z`. */
export function toPyrusDateTime(date: DateTime): string {
	return date.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

/** Pyrus change times in epoch ms (0 when missing). */
export function pyrusTimeMs(value: unknown): number {
	if (typeof value !== 'string') return 0;
	const ms = DateTime.fromISO(value, { zone: 'utc' }).toMillis();
	return Number.isFinite(ms) ? ms : 0;
}
