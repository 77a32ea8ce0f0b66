import { createHash } from 'crypto';
import { DateTime } from 'luxon';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { moySkladAuthorization, MOYSKLAD_API_URL } from '../../credentials/MoySkladApi.credentials';
import { isoInZone } from '../shared/dates';
import { collectPages, type Page, type PagingOptions } from '../shared/paging';
import { parseServiceUrl } from '../../credentials/shared/serviceUrl';
import { plainErrorMessage } from '../shared/transport/errors';
import { stringValues } from '../shared/transport/redact';
import { apiRequest, resolveCredential } from '../shared/transport/request';
import type {
	ApiRequest,
	ApiResponse,
	LimitSignal,
	ParsedVendorError,
	RawResponse,
	RequestContext,
	VendorProfile,
} from '../shared/transport/types';

/** MoySklad ids are UUIDs. */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`);

/** Whether a (trimmed) text is a MoySklad id. */
export function isMsId(text: string): boolean {
	return UUID.test(text);
}

/** Largest page of a list; with `expand` the API honours at most 100. */
export const MS_MAX_PAGE = 1000;
export const MS_MAX_EXPAND_PAGE = 100;
/** Elements per bulk create / update / delete request. */
export const MS_MAX_BATCH = 1000;
/** Largest page of task notes. */
export const MS_MAX_NOTES_PAGE = 100;
/** Entity times are Moscow local time without an offset (UTC+3, no DST since 2014). */
export const MOSCOW = 'Europe/Moscow';
/** The per-user budget: 45 units every 3 seconds. */
const BUDGET_UNITS = 45;
const BUDGET_WINDOW_MS = 3000;
/** Requests in flight at once per user (the API answers 429 / 1073 above 5). */
const MAX_IN_FLIGHT = 5;

/** What is wrong with the credential, naming the field; undefined when it can be used. */
export function moySkladCredentialProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	const raw = String(credentials.baseUrl || MOYSKLAD_API_URL).trim();
	const url = parseServiceUrl(raw);
	if (url === 'not a URL') return `API URL "${raw}" is not a URL; leave the default ${MOYSKLAD_API_URL}`;
	if (url === 'not HTTPS') return `API URL "${raw}" must start with https://`;
	if (url.hostname === 'online.moysklad.ru') {
		return `API URL "${raw}": online.moysklad.ru no longer serves JSON API 1.2; use ${MOYSKLAD_API_URL}`;
	}
	const secret = credentials.authType === 'basic' ? credentials.password : credentials.accessToken;
	if (typeof secret !== 'string' || secret.trim() === '') {
		return credentials.authType === 'basic' ? 'Password is empty' : 'Access Token is empty';
	}
	return undefined;
}

/** The API base URL (…/api/remap/1.2), without a trailing slash. */
export function moySkladBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.baseUrl || MOYSKLAD_API_URL).trim().replace(/\/+$/, '');
}

function header(response: RawResponse, name: string): string | undefined {
	const value = response.headers[name] ?? response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function headerNumber(response: RawResponse, name: string): number | undefined {
	const value = header(response, name);
	if (value === undefined || value.trim() === '' || !Number.isFinite(Number(value))) return undefined;
	return Number(value);
}

interface MsError {
	error?: string;
	code?: number;
	parameter?: string;
	error_message?: string;
}

/** The `errors` array of an answer (an error answer or one element of a bulk answer). */
export function vendorErrors(body: unknown): MsError[] {
	const errors = (body as { errors?: unknown } | undefined)?.errors;
	return Array.isArray(errors) ? (errors as MsError[]) : [];
}

/** An error of an answer; `element` is its place in the array of a bulk answer. */
type PlacedError = MsError & { element?: number };

/** One line per error: "message (code 3000, parameter name)". */
export function describeErrors(errors: PlacedError[]): string {
	return errors
		.map((e) => {
			const extra = [
				e.code !== undefined ? `code ${e.code}` : '',
				e.parameter ? `parameter ${e.parameter}` : '',
				e.element !== undefined ? `element ${e.element}` : '',
			]
				.filter(Boolean)
				.join(', ');
			return `${e.error ?? e.error_message ?? 'error'}${extra ? ` (${extra})` : ''}`;
		})
		.join('; ');
}

/**
 * Every error of an answer: its `errors`, or, for the array of a bulk answer, the `errors` of
 * each element with the element's place (elements without `errors` were processed).
 */
export function answerErrors(body: unknown): PlacedError[] {
	if (!Array.isArray(body)) return vendorErrors(body);
	return body.flatMap((element, index) => vendorErrors(element).map((error) => ({ ...error, element: index })));
}

function parseError(response: RawResponse): ParsedVendorError {
	const errors = answerErrors(response.body);
	if (errors.length > 0) {
		return { message: describeErrors(errors.slice(0, 1)), description: errors.length > 1 ? describeErrors(errors) : undefined };
	}
	if (response.statusCode === 415) {
		return { message: 'HTTP 415: the request lacked "Accept-Encoding: gzip" or had an unsupported body type' };
	}
	return plainErrorMessage(response);
}

function limitSignal(response: RawResponse): LimitSignal {
	if (response.statusCode === 429) {
		// Milliseconds until the budget frees up; none for the parallel-request cap (1073).
		return { kind: 'limited', retryAfterMs: headerNumber(response, 'x-lognex-retry-after') };
	}
	// The budget is spent (other workflows or apps of the same user): wait for its reset
	// instead of drawing a 429.
	if (headerNumber(response, 'x-ratelimit-remaining') === 0) {
		return { kind: 'ok', pauseMs: headerNumber(response, 'x-lognex-reset') ?? BUDGET_WINDOW_MS };
	}
	return { kind: 'ok' };
}

/** A fix hint for MoySklad's usual error codes and statuses. */
export function moySkladHint(statusCode: number, parsed: ParsedVendorError): string | undefined {
	const text = `${parsed.message} ${parsed.description ?? ''}`;
	if (/code (37000|1043)\b/.test(text)) return 'The account\'s tariff lacks the CRM option, which task changes need.';
	if (/code 37001\b/.test(text)) return 'Only an administrator or the task\'s author may change or delete it.';
	if (/code 37003\b/.test(text)) return 'Only an administrator, the author or the assignee may complete or reopen the task.';
	switch (statusCode) {
		case 401:
			return 'The token or login/password is wrong, or the token was revoked (issuing a new token for the user revokes the older ones).';
		case 403:
			return 'The user lacks the permission for this (task permissions, API access, or administrator rights for task types).';
		case 404:
			return 'Nothing was found at this address: check the id.';
		default:
			return undefined;
	}
}

const profiles = new Map<number, VendorProfile>();

/**
 * The profile for a request cost (units per request). The budget is 45 units per 3 s per
 * user: with 4 units, 11 requests in any 3 s, at most 5 in flight.
 */
export function moySkladProfile(cost = 4): VendorProfile {
	const units = [1, 2, 3, 4, 5].includes(cost) ? cost : 4;
	let profile = profiles.get(units);
	if (profile) return profile;
	const perWindow = Math.floor(BUDGET_UNITS / units);
	profile = {
		displayName: 'MoySklad',
		credentialType: () => 'moySkladApi',
		credentialProblem: moySkladCredentialProblem,
		baseUrl: moySkladBaseUrl,
		// The budget belongs to the user: the login, or the token itself (kept as a digest only).
		accountKey: (credentials) =>
			`${moySkladBaseUrl(credentials)}|${createHash('sha256').update(moySkladAuthorization(credentials)).digest('hex')}`,
		secrets: (credentials) => {
			const values = stringValues(credentials, ['accessToken', 'password']);
			values.push(...values.map((value) => value.trim()).filter((value) => !values.includes(value)));
			if (credentials.authType === 'basic') values.push(moySkladAuthorization(credentials).slice('Basic '.length));
			return values;
		},
		// A window's budget may go out at once (a list of up to 11 pages at network speed), never
		// more than it in any 3 s (the window counts from answers) nor more than 5 in flight. Other
		// apps and n8n processes of the user spend the same budget: after a 429 the governor paces
		// evenly for a minute at a halved share, so a 429 is not repeated in a burst.
		rateLimit: {
			capacity: perWindow,
			refillPerSecond: (perWindow * 1000) / BUDGET_WINDOW_MS,
			maxInFlight: MAX_IN_FLIGHT,
			window: { limit: perWindow, windowMs: BUDGET_WINDOW_MS },
		},
		limitSignal,
		parseError,
		hint: moySkladHint,
		defaultHeaders: {
			// Mandatory: without it (or with other encodings listed) the API answers 415.
			'Accept-Encoding': 'gzip',
			Accept: 'application/json;charset=utf-8',
		},
	};
	profiles.set(units, profile);
	return profile;
}

/** The profile of the context's credential (its request cost decides the budget). */
export async function profileOf(ctx: RequestContext): Promise<{ profile: VendorProfile; credentials: ICredentialDataDecryptedObject }> {
	const { data } = await resolveCredential(ctx, moySkladProfile());
	return { profile: moySkladProfile(Number(data.requestCost ?? 4)), credentials: data };
}

export interface MsRequestOptions {
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	itemIndex?: number;
	/** An error answer returned to the caller instead of thrown (see the shared ApiRequest). */
	returnErrorAnswer?: ApiRequest['returnErrorAnswer'];
}

/** A request below the API base URL (…/api/remap/1.2), or to an absolute link of the same host. */
export async function msRequest<T = unknown>(
	ctx: RequestContext,
	method: IHttpRequestMethods,
	path: string,
	options: MsRequestOptions = {},
): Promise<ApiResponse<T>> {
	const { profile } = await profileOf(ctx);
	// A leading slash keeps error messages readable ("GET /entity/task/…").
	const target = /^https?:\/\//.test(path) || path.startsWith('/') ? path : `/${path}`;
	return (await apiRequest.call(ctx, profile, { method, path: target, ...options })) as ApiResponse<T>;
}

/** One page of a list (`rows`, `meta.size`, offset paging). */
export async function msPage(
	ctx: RequestContext,
	path: string,
	request: { offset: number; pageSize: number; qs?: IDataObject; itemIndex?: number },
): Promise<Page<IDataObject, number>> {
	const { offset, pageSize } = request;
	const response = await msRequest<IDataObject>(ctx, 'GET', path, {
		qs: { ...(request.qs ?? {}), limit: pageSize, offset },
		itemIndex: request.itemIndex,
	});
	const rows = Array.isArray(response.body?.rows) ? (response.body.rows as IDataObject[]) : [];
	const meta = (response.body?.meta ?? {}) as IDataObject;
	const size = typeof meta.size === 'number' ? meta.size : undefined;
	const more = size !== undefined ? offset + rows.length < size : Boolean(meta.nextHref);
	return { items: rows, next: more && rows.length > 0 ? offset + rows.length : undefined };
}

/** Reads a list until it ends or `paging.limit` rows are in hand. */
export async function msList(
	ctx: RequestContext,
	path: string,
	paging: PagingOptions,
	qs: IDataObject = {},
	itemIndex?: number,
): Promise<IDataObject[]> {
	return await collectPages<IDataObject, number>(
		async (offset = 0, pageSize) => await msPage(ctx, path, { offset, pageSize, qs, itemIndex }),
		paging,
	);
}

// ---------------------------------------------------------------------------------------------
// References (meta objects)
// ---------------------------------------------------------------------------------------------

/** Where each kind of reference lives below the base URL. */
const META_PATHS: Record<string, string> = {
	employee: 'entity/employee',
	counterparty: 'entity/counterparty',
	organization: 'entity/organization',
	task: 'entity/task',
	state: 'entity/task/metadata/states',
};

/** A reference the API accepts: `{ meta: { href, type, mediaType } }`, built from an id. */
export function metaRef(baseUrl: string, type: string, id: string): IDataObject {
	const path = META_PATHS[type] ?? `entity/${type}`;
	return { meta: { href: `${baseUrl}/${path}/${id}`, type, mediaType: 'application/json' } };
}

/** The id at the end of a reference's href; null when there is none. */
export function refId(reference: unknown): string | null {
	const href = ((reference as IDataObject | undefined)?.meta as IDataObject | undefined)?.href;
	if (typeof href !== 'string') return null;
	const last = href.split('?')[0].split('/').pop();
	return last ? last : null;
}

export function refType(reference: unknown): string | null {
	const type = ((reference as IDataObject | undefined)?.meta as IDataObject | undefined)?.type;
	return typeof type === 'string' ? type : null;
}

// ---------------------------------------------------------------------------------------------
// Moscow time
// ---------------------------------------------------------------------------------------------

/** A moment as the API writes it: Moscow local time without offset, whole seconds. */
export function toMoscow(date: DateTime): string {
	return date.setZone(MOSCOW).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** "YYYY-MM-DD HH:MM", with seconds, with 1–3 fraction digits. */
const MOSCOW_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * An API time as a moment; undefined when it is not a time. Answers carry milliseconds
 * ("2026-03-01 15:30:00.123"), seconds only in the vendor's examples, and fewer fraction digits
 * when the fraction ends in zeros: "…:00.12" is 120 ms (unconfirmed; the client wmakeev/moysklad
 * reads 1–3 digits so, https://github.com/wmakeev/moysklad, src/tools/parseTimeString.js).
 */
export function fromMoscow(value: unknown): DateTime | undefined {
	if (typeof value !== 'string') return undefined;
	const match = MOSCOW_TIME.exec(value.trim());
	if (!match) return undefined;
	const [, year, month, day, hour, minute, second = '0', fraction = ''] = match;
	const parsed = DateTime.fromObject(
		{
			year: Number(year),
			month: Number(month),
			day: Number(day),
			hour: Number(hour),
			minute: Number(minute),
			second: Number(second),
			millisecond: Number(fraction.padEnd(3, '0')),
		},
		{ zone: MOSCOW },
	);
	return parsed.isValid ? parsed : undefined;
}

/**
 * A time field of a task as a moment: undefined when the task has none (unless `required`), an
 * error naming the field when its value is not a time. Never epoch 0: a task with an unreadable
 * time would never count as new and would count as changed on every poll.
 */
export function taskTime(task: IDataObject, field: string, required = false): DateTime | undefined {
	const value = task[field];
	if (value === undefined || value === null || value === '') {
		if (required) throw new Error(`Task ${String(task.id)}: "${field}" is missing from MoySklad's answer`);
		return undefined;
	}
	const parsed = fromMoscow(value);
	if (!parsed) {
		throw new Error(`Task ${String(task.id)}: "${field}" is ${JSON.stringify(value)}, not a MoySklad time (YYYY-MM-DD HH:MM:SS, Moscow time)`);
	}
	return parsed;
}

/** An API time as ISO-8601 with the offset of the workflow's time zone; null when missing. */
export function moscowToIso(value: unknown, timezone: string): string | null {
	const parsed = fromMoscow(value);
	return parsed ? isoInZone(parsed, timezone) : null;
}

// ---------------------------------------------------------------------------------------------
// Task types' colours
// ---------------------------------------------------------------------------------------------

/** `#RRGGBB` (or `RRGGBB`, `#RGB`) or an ARGB integer as the API's colour integer; undefined when neither. */
export function parseColor(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return parseColor(Number(text));
	let hex = /^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/.exec(text)?.[1];
	if (!hex) return undefined;
	if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
	return parseInt(hex, 16);
}

/** The API's ARGB colour integer as `#RRGGBB` (alpha dropped). */
export function colorHex(color: unknown): string | null {
	if (typeof color !== 'number' || !Number.isInteger(color)) return null;
	return `#${(color & 0xffffff).toString(16).padStart(6, '0').toUpperCase()}`;
}

/** The account's task types (task states), read from the task metadata. */
export async function msTaskStates(ctx: RequestContext, itemIndex?: number): Promise<IDataObject[]> {
	const response = await msRequest<IDataObject>(ctx, 'GET', 'entity/task/metadata', { itemIndex });
	return Array.isArray(response.body?.states) ? (response.body.states as IDataObject[]) : [];
}

/** A task type with its colour also as `#RRGGBB`. */
export function stateOutput(state: IDataObject): IDataObject {
	return { ...state, colorHex: colorHex(state.color) };
}
