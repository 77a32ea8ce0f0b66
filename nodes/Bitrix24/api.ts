import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { parseBitrix24Webhook } from '../../credentials/Bitrix24WebhookApi.credentials';
import { credentialTypeByAuthentication } from '../shared/parameters';
import { scopeOfMethod } from '../../credentials/Bitrix24/scopes';
import { parseServiceUrl } from '../../credentials/shared/serviceUrl';
import { now, processState, wait } from '../shared/transport/clock';
import { plainErrorMessage, reportedApiError } from '../shared/transport/errors';
import { redactText, stringValues } from '../shared/transport/redact';
import { answerTime, apiRequest, resolveCredential } from '../shared/transport/request';
import type {
	LimitSignal,
	ParsedVendorError,
	RawResponse,
	RequestContext,
	VendorProfile,
} from '../shared/transport/types';

/** The credential type of a Bitrix24 application (OAuth2). */
const APPLICATION_TYPE = 'bitrix24OAuth2Api';

/** Items per list page (fixed by Bitrix24) and commands per `batch` call. */
export const B24_PAGE = 50;
export const B24_MAX_BATCH = 50;

/**
 * Portals renamed while this process ran: the stored address → the one Bitrix24 redirected to.
 * A node cannot rewrite its credential, so the new address is remembered here.
 */
const renamedPortals = () => processState('bitrix24RenamedPortals', () => new Map<string, string>());

function isWebhook(credentials: ICredentialDataDecryptedObject): boolean {
	return credentials.webhookSecretUrl !== undefined;
}

/** What is wrong with the credential, naming the field; undefined when it can be used. */
export function bitrix24CredentialProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	if (isWebhook(credentials)) {
		const webhook = parseBitrix24Webhook(credentials.webhookSecretUrl);
		return 'problem' in webhook ? webhook.problem : undefined;
	}
	const raw = String(credentials.portalUrl ?? '').trim();
	const url = parseServiceUrl(raw);
	if (url === 'not a URL') return `Portal URL "${raw}" is not a URL; use e.g. https://your-portal.bitrix24.com`;
	if (url === 'not HTTPS') return `Portal URL "${raw}" must start with https://`;
	return undefined;
}

/** The portal's address as stored in the credential. */
function storedOrigin(credentials: ICredentialDataDecryptedObject): string {
	if (isWebhook(credentials)) {
		const webhook = parseBitrix24Webhook(credentials.webhookSecretUrl);
		if ('problem' in webhook) throw new Error(webhook.problem);
		return webhook.origin;
	}
	return new URL(String(credentials.portalUrl).trim()).origin;
}

/** The portal's current address (after a rename seen by this process). */
export function portalOrigin(credentials: ICredentialDataDecryptedObject): string {
	const stored = storedOrigin(credentials);
	return renamedPortals().get(stored) ?? stored;
}

/**
 * Bitrix24 counts the request rate per portal (and source address), shared by every webhook and
 * application on it (source: https://apidocs.bitrix24.com/limits.html, the leaky bucket and «considers the
 * IP address of the request source»): one budget per portal address, whichever user or
 * credential type calls.
 */
function accountKey(credentials: ICredentialDataDecryptedObject): string {
	return new URL(portalOrigin(credentials)).origin.toLowerCase();
}

function secrets(credentials: ICredentialDataDecryptedObject): string[] {
	const webhook = isWebhook(credentials) ? parseBitrix24Webhook(credentials.webhookSecretUrl) : undefined;
	return [
		...(webhook && !('problem' in webhook) ? [webhook.secret] : []),
		...stringValues(credentials, ['access_token', 'refresh_token', 'clientSecret']),
	];
}

interface VendorErrorBody {
	code: string;
	text: string;
	/** REST 3.0 `validation`: "field: message" each. */
	details: string[];
}

/** Descriptions may carry HTML line breaks. */
const plainText = (value: unknown) =>
	String(value ?? '').replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '').trim();

/**
 * Bitrix24's error answer: classic `{ error, error_description }`, or REST 3.0's
 * `{ error: { code, message, validation: [{ field, message }] } }` (source:
 * https://apidocs.bitrix24.com/api-reference/rest-v3.html, «Structure of an unsuccessful
 * response»).
 */
function errorBody(body: unknown): VendorErrorBody | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const { error, error_description: description } = body as IDataObject;
	if (error !== null && typeof error === 'object' && !Array.isArray(error)) {
		const { code, message, validation } = error as IDataObject;
		const details = Array.isArray(validation)
			? validation.map((entry) => {
					const { field, message: text } = (entry ?? {}) as IDataObject;
					return field ? `${plainText(field)}: ${plainText(text)}` : plainText(text);
				})
			: [];
		return { code: plainText(code), text: plainText(message), details };
	}
	if (error === undefined && description === undefined) return undefined;
	return { code: String(error ?? ''), text: plainText(description), details: [] };
}

/** The error code of an answer or of a NodeApiError the helper built from one, lower case. */
function errorCode(source: unknown): string {
	const body = (source as { errorResponse?: { body?: unknown } } | undefined)?.errorResponse?.body ?? source;
	return errorBody(body)?.code.toLowerCase() ?? '';
}

/** Bitrix24's `{ error, error_description }` as one message: "Task not found (ERROR_CORE)". */
export function describeBitrix24Error(code: string, text: string): string {
	if (text && code) return `${text} (${code})`;
	return text || code || 'unknown error';
}

function parseError(response: RawResponse): ParsedVendorError {
	const parsed = errorBody(response.body);
	if (!parsed) return plainErrorMessage(response);
	return {
		message: describeBitrix24Error(parsed.code, parsed.text),
		...(parsed.details.length ? { description: `Invalid fields: ${parsed.details.join('; ')}` } : {}),
	};
}

const TIME_LIMIT = 'operation_time_limit';
/** Waits for a method over its operating-time limit: at least this, or until `operating_reset_at`. */
const MIN_TIME_LIMIT_WAIT_MS = 10_000;

/**
 * The portal's clock when it answered (epoch ms): its envelope's `time.finish` (Unix seconds),
 * else the Date header, else n8n's own clock. Reset times are the portal's: waits until them
 * are measured on its clock, so a step of n8n's clock neither stretches nor cuts them.
 */
function portalNowMs(body: unknown, headers: RawResponse['headers'] = {}): number {
	const finish = Number((asMap(asMap(body).time)).finish);
	if (Number.isFinite(finish) && finish > 0) return finish * 1000;
	return answerTime(headers) ?? now();
}

function limitSignal(response: RawResponse): LimitSignal {
	const code = errorBody(response.body)?.code.toUpperCase();
	if (code === 'OVERLOAD_LIMIT') {
		return {
			kind: 'blocked',
			message: 'REST access to this portal was blocked by Bitrix24 for overload (OVERLOAD_LIMIT): only Bitrix24 support can lift it',
		};
	}
	// The request was refused, not run: wait for the bucket to drain a little and send again.
	if (code === 'QUERY_LIMIT_EXCEEDED') return { kind: 'limited', retryAfterMs: 1_000 };
	if (code === 'OPERATION_TIME_LIMIT') {
		const resetAt = Number(((response.body as IDataObject).time as IDataObject | undefined)?.operating_reset_at);
		const untilReset = Number.isFinite(resetAt) ? resetAt * 1000 - portalNowMs(response.body, response.headers) : 0;
		return { kind: 'limited', retryAfterMs: Math.max(MIN_TIME_LIMIT_WAIT_MS, untilReset) };
	}
	return { kind: 'ok' };
}

const isScopeError = (code: string) => code === 'insufficient_scope' || code === 'bitrix_rest_v3_exception_insufficientscopeexception';

function hint(statusCode: number, parsed: ParsedVendorError): string | undefined {
	const message = parsed.message.toLowerCase();
	if (message.includes('insufficient_scope') || message.includes('insufficientscopeexception')) {
		return 'The webhook or application lacks a scope this method needs: the credential test of a webhook lists the missing ones.';
	}
	if (message.includes('expired_token') || message.includes('invalid_token')) {
		return 'The OAuth2 token is no longer valid: reconnect the credential.';
	}
	if (message.includes('no_auth_found') || statusCode === 401) {
		return 'The webhook URL or token is wrong, expired or was regenerated: copy the current one from Bitrix24.';
	}
	if (message.includes('accessdeniedexception')) {
		return 'The credential\'s user may not do this with the task, or the task does not exist.';
	}
	if (message.includes('access_denied')) {
		return 'REST needs a commercial plan, or the user behind the credential lacks the rights.';
	}
	if (/not allowed|task not found|not accessible/.test(message)) {
		return 'The task does not exist or the credential\'s user may not do this with it.';
	}
	return undefined;
}

/**
 * What to do about a missing scope, naming the scope the method needs (when known) and where
 * to add it: the webhook's settings, or the application's card.
 */
function scopeAdvice(method: string, v3: boolean, holder: CredentialHolder): string {
	const need = scopeOfMethod(method, v3);
	const where =
		holder === 'webhook'
			? 'In Bitrix24: Developer resources → Integrations → the webhook → Edit; the webhook URL stays the same.'
			: 'In Bitrix24: the application\'s card (scopes), then reinstall the application and reconnect the credential.';
	if (!need) return `The ${holder} lacks a scope ${method} needs. ${where}`;
	return `The ${holder} lacks a scope: add the scope "${need.scope}" to the ${holder}: ${method} needs it (${need.operations}). ${where}`;
}

type CredentialHolder = 'webhook' | 'application';

/** Renames followed per request. */
const MAX_PORTAL_MOVES = 2;

/** A cloud portal's host: one label under bitrix24.<zone> (acme.bitrix24.com, acme.bitrix24.com.br). */
const CLOUD_PORTAL_HOST = /^[a-z0-9-]+\.bitrix24\.(?:[a-z]{2,3}|(?:com|co)\.[a-z]{2})$/i;
/** Second-level labels under which a country code's registrable domains sit (co.uk, com.br). */
const GENERIC_SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'gov', 'net', 'or', 'org']);

/** The registrable domain of a host (company.example of crm.company.example); an IP address is itself. */
function registrableDomain(host: string): string {
	const name = host.toLowerCase().replace(/\.$/, '');
	if (/^[\d.]+$/.test(name) || name.includes(':') || name.startsWith('[')) return name;
	const labels = name.split('.');
	const take = labels.length >= 3 && labels.at(-1)!.length === 2 && GENERIC_SECOND_LEVEL.has(labels.at(-2)!) ? 3 : 2;
	return labels.slice(-take).join('.');
}

/**
 * Where a renamed portal may send the request, secret and all (the shared helper allows only
 * HTTPS, plain HTTP only between local sandboxes): a Bitrix24 cloud portal over HTTPS, or a host
 * of the portal's own registrable domain (a self-hosted portal moving within its company's domain).
 */
function mayFollowPortalMove(from: URL, to: URL): boolean {
	if (to.protocol === 'https:' && CLOUD_PORTAL_HOST.test(to.hostname)) return true;
	return registrableDomain(to.hostname) === registrableDomain(from.hostname);
}

function profileFor(plan: 'standard' | 'enterprise'): VendorProfile {
	return {
		displayName: 'Bitrix24',
		credentialType: credentialTypeByAuthentication('webhook', APPLICATION_TYPE, 'bitrix24WebhookApi'),
		credentialProblem: bitrix24CredentialProblem,
		baseUrl: (credentials) => `${portalOrigin(credentials)}/rest`,
		accountKey,
		secrets,
		// Leaky bucket per portal: a few requests below the burst leave room for answers
		// that reach the portal out of order.
		rateLimit:
			plan === 'enterprise'
				? { capacity: 240, refillPerSecond: 5, maxInFlight: 2 }
				: { capacity: 45, refillPerSecond: 2, maxInFlight: 2 },
		limitSignal,
		parseError,
		hint,
		defaultHeaders: { Accept: 'application/json' },
		// A renamed portal answers with a redirect: the same POST, body and all, goes to the new address.
		accountMoves: {
			noun: 'portal',
			max: MAX_PORTAL_MOVES,
			mayMoveTo: mayFollowPortalMove,
			notAcceptable: "neither a Bitrix24 portal nor on the portal's own domain",
			moved: (credentials, to) => renamedPortals().set(storedOrigin(credentials), to),
		},
	};
}

export const bitrix24Profile = profileFor('standard');
const enterpriseProfile = profileFor('enterprise');

export interface B24Envelope {
	result?: unknown;
	total?: number;
	next?: number;
	time?: IDataObject;
	[key: string]: unknown;
}

export interface B24CallOptions {
	itemIndex?: number;
	/** A read: safe to send again after a network fault or a server error. */
	read?: boolean;
	/** A REST 3.0 method (under /rest/api/). */
	v3?: boolean;
}

// ---------------------------------------------------------------------------------------------
// OAuth2: the token goes as `auth`
// ---------------------------------------------------------------------------------------------

/** The access token n8n holds now, read afresh: n8n may have renewed it since the last call. */
async function currentAccessToken(ctx: RequestContext, itemIndex?: number): Promise<string> {
	const data = await ctx.getCredentials(APPLICATION_TYPE);
	const token = (data.oauthTokenData as IDataObject | undefined)?.access_token;
	if (typeof token !== 'string' || token === '') {
		throw new NodeOperationError(ctx.getNode(), 'Bitrix24: the OAuth2 credential is not connected', {
			itemIndex,
			description: 'Open the credential and connect it to the portal.',
		});
	}
	return token;
}

/** n8n ≥ 2.x renews a token on request; older versions only by themselves, on a 401. */
function canRenewToken(ctx: RequestContext): boolean {
	return typeof (ctx.helpers as { refreshOAuth2Token?: unknown }).refreshOAuth2Token === 'function';
}

/**
 * After Bitrix24 answered `expired_token` (401) to `sent`: has n8n renewed the token? Asks n8n
 * to renew it (it stores the new pair) unless that already happened meanwhile.
 */
async function renewToken(ctx: RequestContext, sent: string, known: string[], itemIndex?: number): Promise<boolean> {
	if ((await currentAccessToken(ctx, itemIndex)) !== sent) return true;
	if (!canRenewToken(ctx)) return false;
	try {
		await ctx.helpers.refreshOAuth2Token.call(ctx, APPLICATION_TYPE);
	} catch (error) {
		const fresh = secrets(await ctx.getCredentials(APPLICATION_TYPE));
		throw new NodeOperationError(ctx.getNode(), `Bitrix24: ${redactText((error as Error).message ?? 'the token could not be renewed', [...known, ...fresh])}`, {
			itemIndex,
			description: 'The OAuth2 token expired and could not be renewed: reconnect the credential.',
		});
	}
	return (await currentAccessToken(ctx, itemIndex)) !== sent;
}

/**
 * Calls one REST method with a JSON POST. An OAuth2 token goes as the `auth` field of the body,
 * the way Bitrix24 documents it for every method, REST 3.0 and `batch` included (source:
 * https://apidocs.bitrix24.com/settings/how-to-call-rest-api/authorization.html; the «cURL (OAuth)»
 * examples); n8n still renews it: on `expired_token` the refused call goes again with the new token. A portal that
 * was renamed answers with a redirect: the shared helper sends the same POST, body and all, to the
 * new address when the profile's `accountMoves` accepts it (a Bitrix24 portal or the portal's own domain).
 */
export async function b24Call(
	ctx: RequestContext,
	method: string,
	params: IDataObject = {},
	options: B24CallOptions = {},
): Promise<B24Envelope> {
	const { type, data } = await resolveCredential(ctx, bitrix24Profile);
	const profile = data.plan === 'enterprise' ? enterpriseProfile : bitrix24Profile;
	const oauth = type === APPLICATION_TYPE;
	const holder: CredentialHolder = oauth ? 'application' : 'webhook';
	let renewed = false;
	for (;;) {
		const token = oauth ? await currentAccessToken(ctx, options.itemIndex) : undefined;
		try {
			const response = await apiRequest.call(ctx, profile, {
				method: 'POST',
				path: `${options.v3 ? 'api/' : ''}${method}`,
				body: token === undefined ? params : { ...params, auth: token },
				idempotent: options.read ?? false,
				itemIndex: options.itemIndex,
				// Bitrix24 reads the token from `auth`: renewing it here lets the call go again with the new one.
				credentialOptions: oauth ? { oauth2: { skipTokenRefresh: canRenewToken(ctx) } } : undefined,
			});
			return (response.body ?? {}) as B24Envelope;
		} catch (caught) {
			const code = errorCode(caught);
			// `expired_token`: refused, not run, so safe to send again once with a renewed token.
			if (token !== undefined && !renewed && code === 'expired_token') {
				renewed = true;
				if (await renewToken(ctx, token, secrets(data), options.itemIndex)) continue;
			}
			const error =
				caught instanceof NodeApiError || caught instanceof NodeOperationError
					? caught
					: new NodeOperationError(ctx.getNode(), caught as Error, { itemIndex: options.itemIndex });
			if (isScopeError(code) && error instanceof NodeApiError) {
				error.description = [scopeAdvice(method, options.v3 ?? false, holder), error.description].filter(Boolean).join('\n');
			}
			throw error;
		}
	}
}

/** Whether a batch command's error says its method is over its operating-time limit (not run). */
export function isTimeLimitRefusal(error: unknown): boolean {
	return errorCode(error) === TIME_LIMIT;
}

/** Every secret of the node's credential, those of the credential n8n holds now included (a renewed token). */
async function credentialSecrets(ctx: RequestContext): Promise<string[]> {
	const { type, data } = await resolveCredential(ctx, bitrix24Profile);
	const known = secrets(data);
	try {
		known.push(...secrets(await ctx.getCredentials(type)));
	} catch {
		// Keep the secrets already known.
	}
	return known;
}

/** The error of one `batch` command, as the error of the item it served, its secrets redacted. */
export async function commandError(
	ctx: RequestContext,
	error: unknown,
	itemIndex: number,
	command?: { method: string; holder: CredentialHolder },
): Promise<NodeApiError> {
	const entry = (error ?? {}) as IDataObject;
	const parsed = errorBody(entry) ?? { code: '', text: '', details: [] };
	const message = describeBitrix24Error(parsed.code, parsed.text);
	const code = parsed.code.toLowerCase();
	let description = hint(400, { message }) ?? 'Bitrix24 refused this command of a batch call; the other commands were answered on their own.';
	if (isScopeError(code) && command) description = scopeAdvice(command.method, false, command.holder);
	if (code === TIME_LIMIT) description = 'Bitrix24 refused this command: its method is over its operating-time limit. It was not run; run it again later.';
	return reportedApiError(ctx.getNode(), await credentialSecrets(ctx), { message: `Bitrix24: ${message}`, description, body: entry, itemIndex });
}

/** Who holds the scopes of the node's credential, for advice on a missing scope. */
export async function credentialHolder(ctx: RequestContext): Promise<CredentialHolder> {
	const { type } = await resolveCredential(ctx, bitrix24Profile);
	return type === APPLICATION_TYPE ? 'application' : 'webhook';
}

// ---------------------------------------------------------------------------------------------
// batch
// ---------------------------------------------------------------------------------------------

/** A `$result[...]` reference to an earlier command's answer, passed through unencoded. */
export class BatchReference {
	constructor(readonly path: string) {}
}

function encodePart(value: string): string {
	return encodeURIComponent(value);
}

/** Whether a value holds an empty list anywhere: PHP's bracket notation has no form for one. */
function holdsEmptyList(value: unknown): boolean {
	if (Array.isArray(value)) return value.length === 0 || value.some(holdsEmptyList);
	if (value !== null && typeof value === 'object' && !(value instanceof BatchReference)) return Object.values(value).some(holdsEmptyList);
	return false;
}

/**
 * Whether parameters can be written as a batch command. A batch command is a query string in
 * PHP's bracket notation (source: https://apidocs.bitrix24.com/settings/how-to-call-rest-api/batch.html),
 * which cannot say "an empty list": `fields[ACCOMPLICES]` with no elements simply vanishes, so a command that
 * clears a list goes out as its own JSON call instead.
 */
export function batchable(params: IDataObject): boolean {
	return !holdsEmptyList(params);
}

/** Parameters as the query string of a batch command, in PHP's bracket notation. */
export function batchQuery(params: IDataObject): string {
	if (!batchable(params)) throw new RangeError('an empty list has no batch query form: send this command on its own');
	const parts: string[] = [];
	const add = (key: string, value: unknown) => {
		if (value === undefined) return;
		if (value instanceof BatchReference) {
			parts.push(`${encodePart(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${value.path}`);
			return;
		}
		if (Array.isArray(value)) {
			value.forEach((entry, index) => add(`${key}[${index}]`, entry));
			return;
		}
		if (value !== null && typeof value === 'object') {
			for (const [child, entry] of Object.entries(value)) add(`${key}[${child}]`, entry);
			return;
		}
		const text = value === null ? '' : typeof value === 'boolean' ? (value ? 'Y' : 'N') : String(value);
		parts.push(`${encodePart(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodePart(text)}`);
	};
	for (const [key, value] of Object.entries(params)) add(key, value);
	return parts.join('&');
}

export interface BatchCommand {
	key: string;
	method: string;
	params: IDataObject;
}

export interface BatchAnswer {
	result: Record<string, unknown>;
	errors: Record<string, unknown>;
	/** `result_time` per command key: the time of the commands that ran. */
	times: Record<string, unknown>;
	/** The portal's clock when it answered (epoch ms). */
	answeredAt?: number;
}

/** Empty maps may arrive as `[]`. */
function asMap(value: unknown): Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Rounds of a batch's commands refused for their method's operating-time limit, the first included. */
const MAX_TIME_LIMIT_ROUNDS = 4;
const MAX_TIME_LIMIT_WAIT_MS = 60_000;

/**
 * How long to wait before sending again commands refused for their method's operating-time
 * limit: until the latest `operating_reset_at` the answer gives for them (source:
 * https://apidocs.bitrix24.com/limits.html; `result_time` per command, as the JS SDK reads it), at least
 * 10 s, doubling each round (the limit counts ten one-minute buckets, so one may need to pass:
 * «if the error persists, wait for the next bucket reset», https://apidocs.bitrix24.com/limits.html), at most
 * a minute.
 */
export function timeLimitWaitMs(answer: BatchAnswer, keys: string[], round: number): number {
	let resetAt = 0;
	for (const key of keys) resetAt = Math.max(resetAt, Number(asMap(answer.times[key]).operating_reset_at) || 0);
	const untilReset = resetAt * 1000 - (answer.answeredAt ?? now());
	return Math.min(MAX_TIME_LIMIT_WAIT_MS, Math.max(MIN_TIME_LIMIT_WAIT_MS * 2 ** (round - 1), untilReset));
}

async function sendBatch(
	ctx: RequestContext,
	commands: BatchCommand[],
	options: { halt?: boolean; read?: boolean; itemIndex?: number },
): Promise<BatchAnswer> {
	const cmd: IDataObject = {};
	for (const command of commands) cmd[command.key] = `${command.method}?${batchQuery(command.params)}`;
	const envelope = await b24Call(ctx, 'batch', { halt: options.halt ? 1 : 0, cmd }, { read: options.read, itemIndex: options.itemIndex });
	const body = asMap(envelope.result);
	return {
		result: asMap(body.result),
		errors: asMap(body.result_error),
		times: asMap(body.result_time),
		answeredAt: portalNowMs(envelope),
	};
}

/**
 * One `batch` call (at most 50 commands). It answers 200 even when commands fail: each
 * command's result or error comes back under its key.
 *
 * Bitrix24 counts operating time per method for each command inside a batch; a command whose
 * method is over its limit is refused with OPERATION_TIME_LIMIT and was not run (source:
 * https://apidocs.bitrix24.com/limits.html). With `retryRefused` (commands that do not refer to each
 * other), the refused commands, and under `halt` the commands after them that never ran, go again after the wait;
 * commands that ran are never sent again.
 */
export async function b24Batch(
	ctx: RequestContext,
	commands: BatchCommand[],
	options: { halt?: boolean; read?: boolean; itemIndex?: number; retryRefused?: boolean } = {},
): Promise<BatchAnswer> {
	if (commands.length > B24_MAX_BATCH) throw new RangeError(`a batch holds at most ${B24_MAX_BATCH} commands`);
	const merged: BatchAnswer = { result: {}, errors: {}, times: {} };
	let pending = commands;
	for (let round = 1; ; round++) {
		const answer = await sendBatch(ctx, pending, options);
		Object.assign(merged.result, answer.result);
		Object.assign(merged.errors, answer.errors);
		Object.assign(merged.times, answer.times);
		if (!options.retryRefused) return merged;
		const first = pending.findIndex(({ key }) => isTimeLimitRefusal(answer.errors[key]));
		if (first < 0 || round >= MAX_TIME_LIMIT_ROUNDS) return merged;
		const again = pending.filter(
			({ key }, index) =>
				isTimeLimitRefusal(answer.errors[key]) ||
				// Under halt Bitrix24 ran nothing after the first failing command.
				(options.halt && index > first && !(key in answer.result) && !(key in answer.errors)),
		);
		await wait(timeLimitWaitMs(answer, again.map(({ key }) => key), round));
		for (const { key } of again) delete merged.errors[key];
		pending = again;
	}
}
