import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redactDeep, redactText } from './redact';
import type { ApiRequest, ParsedVendorError, RawResponse, VendorProfile } from './types';

export interface ErrorContext {
	node: INode;
	profile: VendorProfile;
	request: ApiRequest;
	/** Updated when the credential changed during the request (a session or OAuth2 token fetched by n8n). */
	secrets: readonly string[];
}

function requestLabel(request: ApiRequest): string {
	const path = request.path.replace(/^https?:\/\/[^/]+/, '').split('?')[0];
	return `${request.method} ${path}`;
}

function header(response: RawResponse, name: string): string | undefined {
	const value = response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * An error answer from the vendor, with its own message, the status and a fix hint; `note`
 * adds what the helper did about it (retries used up, not sent again).
 */
export function vendorApiError(context: ErrorContext, response: RawResponse, note?: string): NodeApiError {
	const { profile, request } = context;
	const parsed = profile.parseError(response);
	const hint = profile.hint?.(response.statusCode, parsed);
	const requestId = header(response, 'x-request-id');
	const details = [
		parsed.description,
		hint,
		`${requestLabel(request)} answered ${response.statusCode}${requestId ? ` (request id ${requestId})` : ''}.`,
		note,
	].filter(Boolean);
	return buildApiError(context, {
		message: `${profile.displayName}: ${parsed.message}`,
		description: details.join('\n'),
		httpCode: response.statusCode,
		body: response.body,
	});
}

/** An error the helper itself decides on (retries used up, outcome unknown, circuit open). */
export function helperApiError(
	context: ErrorContext,
	message: string,
	description: string,
	httpCode?: number,
): NodeApiError {
	return buildApiError(context, {
		message: `${context.profile.displayName}: ${message}`,
		description: `${description}\n${requestLabel(context.request)}`,
		httpCode,
	});
}

/**
 * An error the vendor reported inside a successful answer (one command of a `batch` call), with
 * its secrets redacted like every other error's.
 */
export function reportedApiError(
	node: INode,
	secrets: readonly string[],
	parts: { message: string; description: string; body: unknown; itemIndex?: number },
): NodeApiError {
	return redactedError(node, secrets, parts.itemIndex, parts);
}

function buildApiError(
	context: ErrorContext,
	parts: { message: string; description: string; httpCode?: number; body?: unknown },
): NodeApiError {
	return redactedError(context.node, context.secrets, context.request.itemIndex, parts);
}

function redactedError(
	node: INode,
	secrets: readonly string[],
	itemIndex: number | undefined,
	parts: { message: string; description: string; httpCode?: number; body?: unknown },
): NodeApiError {
	const message = redactText(parts.message, secrets);
	const description = redactText(parts.description, secrets);
	// The stored error response holds only what is safe to keep with an execution.
	const errorResponse: JsonObject = {
		message,
		description,
		httpCode: parts.httpCode === undefined ? null : String(parts.httpCode),
		body: redactDeep((parts.body ?? null) as JsonObject, secrets),
	};
	const error = new NodeApiError(node, errorResponse, {
		message,
		description,
		httpCode: parts.httpCode === undefined ? undefined : String(parts.httpCode),
		itemIndex,
	});
	// n8n fills `messages` from the response; keep them redacted too.
	error.messages = error.messages.map((entry) => redactText(entry, secrets));
	return error;
}

/** Bad input: names the parameter and sends nothing. */
export function inputError(node: INode, parameter: string, problem: string, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(node, `Parameter "${parameter}": ${problem}`, { itemIndex });
}

/**
 * The message of an error answer in none of the vendor's own error shapes: a short plain-text
 * body (never an HTML error page), else the status.
 */
export function plainErrorMessage(response: RawResponse): ParsedVendorError {
	if (typeof response.body === 'string' && response.body.trim() !== '' && !/<html/i.test(response.body)) {
		return { message: response.body.trim().slice(0, 300) };
	}
	return { message: `HTTP ${response.statusCode}` };
}
