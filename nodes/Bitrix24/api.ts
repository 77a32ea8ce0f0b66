import type { ICredentialDataDecryptedObject, IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { parseBitrix24Webhook } from '../../credentials/Bitrix24WebhookApi.credentials';
import { credentialTypeByAuthentication } from '../shared/parameters';
import { isSecureOrLoopback, parseServiceUrl } from '../shared/serviceUrl';
import { plainErrorMessage } from '../shared/transport/errors';
import { stringValues } from '../shared/transport/redact';
import { apiRequest, resolveCredential } from '../shared/transport/request';
import type {
	LimitSignal,
	ParsedVendorError,
	RawResponse,
	RequestContext,
	VendorProfile,
} from '../shared/transport/types';

/** Items per list page (fixed by Bitrix24) and commands per `batch` call. */
export const B24_PAGE = 50;
export const B24_MAX_BATCH = 50;

/**
 * Portals renamed while this process ran: the stored address → the one Bitrix24 redirected to.
 * A node cannot rewrite its credential, so the new address is remembered here.
 */
const renamedPortals = new Map<string, string>();

/** Forgets the renames seen (tests start from a clean slate). */
export function resetPortalRenames(): void {
	renamedPortals.clear();
}

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
	return renamedPortals.get(stored) ?? stored;
}

function accountKey(credentials: ICredentialDataDecryptedObject): string {
	const stored = storedOrigin(credentials);
	if (!isWebhook(credentials)) return `${stored} oauth`;
	const webhook = parseBitrix24Webhook(credentials.webhookSecretUrl) as { userId: string };
	return `${stored} user ${webhook.userId}`;
}

function secrets(credentials: ICredentialDataDecryptedObject): string[] {
	const webhook = isWebhook(credentials) ? parseBitrix24Webhook(credentials.webhookSecretUrl) : undefined;
	return [
		...(webhook && !('problem' in webhook) ? [webhook.secret] : []),
		...stringValues(credentials, ['access_token', 'refresh_token', 'clientSecret']),
	];
}

function errorBody(response: RawResponse): { code: string; text: string } | undefined {
	const body = response.body;
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const { error, error_description: description } = body as IDataObject;
	if (error === undefined && description === undefined) return undefined;
	// Descriptions may carry HTML line breaks.
	const text = String(description ?? '').replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '').trim();
	return { code: String(error ?? ''), text };
}

/** Bitrix24's `{ error, error_description }` as one message: "Task not found (ERROR_CORE)". */
export function describeBitrix24Error(code: string, text: string): string {
	if (text && code) return `${text} (${code})`;
	return text || code || 'unknown error';
}

function parseError(response: RawResponse): ParsedVendorError {
	const parsed = errorBody(response);
	if (parsed) return { message: describeBitrix24Error(parsed.code, parsed.text) };
	return plainErrorMessage(response);
}

function limitSignal(response: RawResponse): LimitSignal {
	const code = errorBody(response)?.code.toUpperCase();
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
		const untilReset = Number.isFinite(resetAt) ? resetAt * 1000 - Date.now() : 0;
		return { kind: 'limited', retryAfterMs: Math.max(10_000, untilReset) };
	}
	return { kind: 'ok' };
}

function hint(statusCode: number, parsed: ParsedVendorError): string | undefined {
	const message = parsed.message.toLowerCase();
	if (message.includes('insufficient_scope')) {
		return 'The webhook or application lacks a scope: give it task, user, sonet_group and im.';
	}
	if (message.includes('expired_token') || message.includes('invalid_token')) {
		return 'The OAuth2 token is no longer valid: reconnect the credential.';
	}
	if (message.includes('no_auth_found') || statusCode === 401) {
		return 'The webhook URL or token is wrong, expired or was regenerated: copy the current one from Bitrix24.';
	}
	if (message.includes('access_denied')) {
		return 'REST needs a commercial plan, or the user behind the credential lacks the rights.';
	}
	if (/not allowed|task not found|not accessible/.test(message)) {
		return 'The task does not exist or the credential\'s user may not do this with it.';
	}
	return undefined;
}

function profileFor(plan: 'standard' | 'enterprise'): VendorProfile {
	return {
		displayName: 'Bitrix24',
		credentialType: credentialTypeByAuthentication('webhook', 'bitrix24OAuth2Api', 'bitrix24WebhookApi'),
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

const MAX_PORTAL_MOVES = 2;

/**
 * Calls one REST method with a JSON POST. A portal that was renamed answers with a redirect:
 * the same POST, body and all, is sent again to the new address.
 */
export async function b24Call(
	ctx: RequestContext,
	method: string,
	params: IDataObject = {},
	options: B24CallOptions = {},
): Promise<B24Envelope> {
	const { data } = await resolveCredential(ctx, bitrix24Profile);
	const profile = data.plan === 'enterprise' ? enterpriseProfile : bitrix24Profile;
	for (let moves = 0; ; moves++) {
		const response = await apiRequest.call(ctx, profile, {
			method: 'POST',
			path: `${options.v3 ? 'api/' : ''}${method}`,
			body: params,
			idempotent: options.read ?? false,
			itemIndex: options.itemIndex,
			followRedirects: false,
		});
		if (response.statusCode < 300 || response.statusCode >= 400) return (response.body ?? {}) as B24Envelope;
		const current = portalOrigin(data);
		const location = response.headers.location;
		const target = (Array.isArray(location) ? location[0] : location) ?? '';
		let next: URL | undefined;
		try {
			next = new URL(target, current);
		} catch {
			next = undefined;
		}
		// The secret follows the redirect: only over HTTPS (plain HTTP only between local sandboxes).
		const secure = isSecureOrLoopback(next);
		if (!next || !secure || next.origin === current || moves >= MAX_PORTAL_MOVES) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Bitrix24: the portal answered ${response.statusCode} with a redirect that cannot be followed`,
				{ itemIndex: options.itemIndex, description: 'Check the portal address in the credential.' },
			);
		}
		renamedPortals.set(storedOrigin(data), next.origin);
	}
}

/** The error of one `batch` command, as the error of the item it served. */
export function commandError(node: INode, error: unknown, itemIndex: number): NodeApiError {
	const entry = (error ?? {}) as IDataObject;
	const parsed = { message: describeBitrix24Error(String(entry.error ?? ''), String(entry.error_description ?? '')) };
	const fix = hint(400, parsed);
	return new NodeApiError(node, entry as JsonObject, {
		message: `Bitrix24: ${parsed.message}`,
		description: fix ?? 'Bitrix24 refused this command of a batch call; the other commands were answered on their own.',
		itemIndex,
	});
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

/** Parameters as the query string of a batch command, in PHP's bracket notation. */
export function batchQuery(params: IDataObject): string {
	const parts: string[] = [];
	const add = (key: string, value: unknown) => {
		if (value === undefined) return;
		if (value instanceof BatchReference) {
			parts.push(`${encodePart(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${value.path}`);
			return;
		}
		if (Array.isArray(value)) {
			if (value.length === 0) return;
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
}

/** Empty maps may arrive as `[]`. */
function asMap(value: unknown): Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * One `batch` call (at most 50 commands). It answers 200 even when commands fail: each
 * command's result or error comes back under its key.
 */
export async function b24Batch(
	ctx: RequestContext,
	commands: BatchCommand[],
	options: { halt?: boolean; read?: boolean; itemIndex?: number } = {},
): Promise<BatchAnswer> {
	if (commands.length > B24_MAX_BATCH) throw new RangeError(`a batch holds at most ${B24_MAX_BATCH} commands`);
	const cmd: IDataObject = {};
	for (const command of commands) cmd[command.key] = `${command.method}?${batchQuery(command.params)}`;
	const envelope = await b24Call(ctx, 'batch', { halt: options.halt ? 1 : 0, cmd }, options);
	const body = asMap(envelope.result);
	return { result: asMap(body.result), errors: asMap(body.result_error) };
}
