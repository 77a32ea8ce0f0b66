import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { credentialTypeByAuthentication } from '../shared/parameters';
import { parseServiceUrl } from '../../credentials/shared/serviceUrl';
import { now } from '../shared/transport/clock';
import { stringValues } from '../shared/transport/redact';
import { answerTime, apiRequest } from '../shared/transport/request';
import type {
	ApiResponse,
	LimitSignal,
	ParsedVendorError,
	RawResponse,
	RequestContext,
	VendorProfile,
} from '../shared/transport/types';

/** Largest page of tasks, users and notes. */
export const AMO_MAX_PAGE = 250;
/** Elements per bulk create / update request (the vendor's advice for batch writes). */
export const AMO_MAX_BATCH = 50;

/** What is wrong with the credential's host, naming the field to fix; undefined when it is fine. */
export function amoCrmCredentialProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	const domain = String(credentials.domain ?? 'amocrm.ru');
	if (domain === 'custom') {
		const raw = String(credentials.baseUrl ?? '').trim();
		const url = parseServiceUrl(raw);
		if (url === 'not a URL') return `Base URL "${raw}" is not a URL; use e.g. https://mycompany.kommo.com`;
		if (url === 'not HTTPS') return `Base URL "${raw}" must start with https://`;
		return undefined;
	}
	const subdomain = String(credentials.subdomain ?? '').trim();
	if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(subdomain)) {
		return `Subdomain "${subdomain}" is not valid: enter only the first part of the address, e.g. "mycompany" for https://mycompany.amocrm.ru`;
	}
	return undefined;
}

/** The account's base URL, from a credential without problems. */
export function amoCrmBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	if (String(credentials.domain) === 'custom') return new URL(String(credentials.baseUrl).trim()).origin;
	return `https://${String(credentials.subdomain).trim().toLowerCase()}.${String(credentials.domain ?? 'amocrm.ru')}`;
}

function retryAfterMs(response: RawResponse): number | undefined {
	const raw = response.headers['retry-after'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	// An HTTP date is the server's: measured against the same answer's Date (n8n's clock may be off).
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, at - (answerTime(response.headers) ?? now()));
}

function isHtml(response: RawResponse): boolean {
	const type = String(response.headers['content-type'] ?? '');
	return type.includes('text/html') || (typeof response.body === 'string' && /<html/i.test(response.body));
}

function parseError(response: RawResponse): ParsedVendorError {
	const body = response.body;
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const problem = body as IDataObject;
		const lines: string[] = [];
		for (const entry of (problem['validation-errors'] as IDataObject[] | undefined) ?? []) {
			for (const error of (entry.errors as IDataObject[] | undefined) ?? []) {
				lines.push(`element ${String(entry.request_id)}: ${String(error.path ?? '')}: ${String(error.detail ?? error.code ?? '')}`);
			}
		}
		const message = [problem.title, problem.detail].filter(Boolean).join(': ') || `HTTP ${response.statusCode}`;
		const hint = typeof problem.hint === 'string' ? problem.hint : undefined;
		return { message, description: [...lines, hint].filter(Boolean).join('\n') || undefined };
	}
	if (typeof body === 'string' && body.trim() !== '' && !isHtml(response)) {
		return { message: body.trim().slice(0, 300) };
	}
	return { message: `HTTP ${response.statusCode}` };
}

export const amoCrmProfile: VendorProfile = {
	displayName: 'amoCRM',
	credentialType: credentialTypeByAuthentication('accessToken', 'amoCrmOAuth2Api', 'amoCrmApi'),
	credentialProblem: amoCrmCredentialProblem,
	baseUrl: amoCrmBaseUrl,
	accountKey: (credentials) => amoCrmBaseUrl(credentials),
	secrets: (credentials) =>
		stringValues(credentials, ['accessToken', 'access_token', 'refresh_token', 'clientSecret']),
	// 7 requests a second per account, spent as the vendor allows: up to 7 at once, and never more
	// than 7 that could reach the server within one second, however late each arrives (the window
	// counts requests in flight and those answered in the last second). Measured against the
	// sandbox's 7-in-any-second window (node bench/amocrm-pacing.js: 20 runs of 200 requests, one
	// execution or 4 at once, with and without answer-time jitter): 0 answers 429 per 1,000 for this
	// burst, as for the even 6.5 a second shipped before, which took up to 1.2× the floor.
	rateLimit: { capacity: 7, refillPerSecond: 7, maxInFlight: 4, window: { limit: 7, windowMs: 1000 } },
	limitSignal(response: RawResponse): LimitSignal {
		if (response.statusCode === 429) return { kind: 'limited', retryAfterMs: retryAfterMs(response) };
		if (response.statusCode === 403 && isHtml(response)) {
			return {
				kind: 'blocked',
				message:
					'API access is blocked (HTTP 403 from the server, not from the API): the account or this IP was banned after exceeding the rate limit, or the IP is not in the account\'s whitelist. Contact amoCRM support; retrying makes a ban worse',
			};
		}
		return { kind: 'ok' };
	},
	parseError,
	hint(statusCode: number): string | undefined {
		switch (statusCode) {
			case 401:
				return 'The token is invalid, expired or revoked: generate a new long-lived token, or reconnect the OAuth2 credential.';
			case 402:
				return 'The amoCRM subscription of this account has expired.';
			case 403:
				return 'The token\'s user lacks the rights for this (listing users needs an administrator).';
			case 404:
				return 'Nothing was found at this address: check the id and the account domain.';
			default:
				return undefined;
		}
	},
	qsArrayFormat: 'brackets',
	emptyStatuses: [204],
	defaultHeaders: { Accept: 'application/hal+json, application/json' },
};

/** A request to the account's API v4; `path` is below /api/v4. Bodies are HAL objects, or undefined for 204. */
export async function amoRequest(
	this: RequestContext,
	method: IHttpRequestMethods,
	path: string,
	options: { qs?: IDataObject; body?: IDataObject | IDataObject[]; itemIndex?: number } = {},
): Promise<ApiResponse<IDataObject | undefined>> {
	return (await apiRequest.call(this, amoCrmProfile, {
		method,
		path: `/api/v4${path}`,
		...options,
	})) as ApiResponse<IDataObject | undefined>;
}

/** The `_embedded.<key>` list of a HAL answer; empty for 204. */
export function embedded(body: IDataObject | undefined, key: string): IDataObject[] {
	const list = (body?._embedded as IDataObject | undefined)?.[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}
