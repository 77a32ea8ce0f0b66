import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import {
	pyrusApiBase,
	pyrusAuthUrl,
	pyrusConfiguredApi,
	pyrusServerProblem,
} from './Pyrus/endpoints';

interface AuthFailure {
	response?: { status?: number; headers?: unknown; data?: unknown };
}

/**
 * A failed token request as an error that keeps only the answer (status and Pyrus's error
 * body), not the request that carried the security key. It has no `response.status` of its
 * own, so n8n does not treat it as an expired token and ask for yet another one. n8n 1.x's
 * NodeApiError drops the cause: for it the status goes in `httpCode` and the body in
 * `response.data`, the two fields it keeps.
 */
function authError(error: unknown): Error {
	const response = (error as AuthFailure).response;
	if (!response || typeof response.status !== 'number') return error as Error;
	const body = (response.data ?? {}) as IDataObject;
	const reason = [body.error, body.error_code ? `(${String(body.error_code)})` : undefined].filter(Boolean).join(' ');
	const refused = new Error(`Pyrus refused the token request: ${reason || `HTTP ${response.status}`}`, {
		cause: { response: { status: response.status, headers: response.headers ?? {}, data: body } },
	});
	return Object.assign(refused, { httpCode: String(response.status), response: { data: body } });
}

export class PyrusApi implements ICredentialType {
	name = 'pyrusApi';

	displayName = 'Pyrus API';

	documentationUrl = 'https://pyrus.com/en/help/api/authorization';

	icon = { light: 'file:pyrus.svg', dark: 'file:pyrus.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Login',
			name: 'login',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'bot@0d3f5a1c-... or name@example.com',
			description: 'A bot\'s login (recommended for integrations) or a user\'s email',
		},
		{
			displayName: 'Security Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'From the bot\'s settings, or the user\'s profile → "Get new security key"',
		},
		{
			displayName: 'Person ID',
			name: 'personId',
			type: 'string',
			default: '',
			description: 'Only when several Pyrus accounts share one email: the employee ID of the account to log in as',
		},
		{
			displayName: 'Server URL (On-Premise)',
			name: 'serverUrl',
			type: 'string',
			default: '',
			placeholder: 'https://pyrus.example.com/api/v4',
			description:
				'The API address of your own Pyrus server, including its /v4 path. Leave empty for the Pyrus cloud.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			// The API address the token was issued for (cloud: from the token answer).
			displayName: 'API URL',
			name: 'apiUrl',
			type: 'hidden',
			default: '',
		},
	];

	/** Exchanges login and security key for a token; n8n calls it again when a request gets a 401. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const problem = pyrusServerProblem(credentials);
		if (problem) throw new Error(`Credential: ${problem}`);
		const body: IDataObject = { login: String(credentials.login ?? '').trim(), security_key: credentials.secretKey };
		const personId = String(credentials.personId ?? '').trim();
		if (personId !== '') body.person_id = Number(personId);
		let answer: IDataObject;
		try {
			answer = (await this.helpers.httpRequest({
				method: 'POST',
				url: pyrusAuthUrl(credentials),
				body,
				json: true,
			})) as IDataObject;
		} catch (error) {
			throw authError(error);
		}
		if (typeof answer?.access_token !== 'string' || answer.access_token === '') {
			throw new Error('Pyrus answered the token request without an access token');
		}
		// On-premise servers announce no api_url: calls keep going to the configured server.
		return { accessToken: answer.access_token, apiUrl: typeof answer.api_url === 'string' ? answer.api_url : '' };
	}

	/** The Bearer token, and the request moved to the API address the token belongs to. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const options: IHttpRequestOptions = {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${String(credentials.accessToken ?? '')}` },
		};
		const target = pyrusApiBase(credentials);
		const configured = pyrusConfiguredApi(credentials);
		if (target !== configured) {
			// Built before the token (and its api_url) was known: the first call of a run.
			if (options.baseURL !== undefined && options.baseURL.replace(/\/+$/, '') === configured) {
				options.baseURL = target;
			} else if (options.url.startsWith(`${configured}/`)) {
				options.url = `${target}${options.url.slice(configured.length)}`;
			}
		}
		return options;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.apiUrl || $credentials.serverUrl || "https://api.pyrus.com/v4").trim().replace(/\\/+$/, "")}}',
			url: '/profile',
			method: 'GET',
		},
	};
}
