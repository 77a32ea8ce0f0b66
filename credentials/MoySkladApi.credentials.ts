import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** The only host of JSON API 1.2 (the old online.moysklad.ru host is refused). */
export const MOYSKLAD_API_URL = 'https://api.moysklad.ru/api/remap/1.2';

/** The Authorization header for the chosen method: a user token, or login + password. */
export function moySkladAuthorization(credentials: ICredentialDataDecryptedObject): string {
	if (credentials.authType === 'basic') {
		const pair = `${String(credentials.login ?? '').trim()}:${String(credentials.password ?? '')}`;
		return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
	}
	return `Bearer ${String(credentials.accessToken ?? '').trim()}`;
}

export class MoySkladApi implements ICredentialType {
	name = 'moySkladApi';

	displayName = 'MoySklad API';

	documentationUrl = 'https://dev.moysklad.ru/doc/api/remap/1.2/#mojsklad-json-api-obschie-swedeniq-autentifikaciq';

	icon = { light: 'file:moysklad.svg', dark: 'file:moysklad.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Access Token', value: 'token' },
				{ name: 'Login and Password', value: 'basic' },
			],
			default: 'token',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'A user access token (MoySklad: Settings → Users → the user → Access tokens). Issuing a new token revokes the older ones of that user, so this node never issues tokens itself.',
			displayOptions: { show: { authType: ['token'] } },
		},
		{
			displayName: 'Login',
			name: 'login',
			type: 'string',
			default: '',
			placeholder: 'admin@mycompany',
			description: 'The MoySklad login of the employee, in the form user@account',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Request Cost (Units)',
			name: 'requestCost',
			type: 'options',
			options: [
				{ name: '2 Units (Rules From 12 May 2026)', value: 2 },
				{ name: '3 Units (Rules From 1 Sep 2026)', value: 3 },
				{ name: '4 Units (Rules From 1 Dec 2026)', value: 4 },
			],
			default: 4,
			description:
				'What one request of a user token or login costs from the budget of 45 units per 3 seconds per user. The node paces its requests to stay within it.',
		},
		{
			displayName: 'API URL',
			name: 'baseUrl',
			type: 'string',
			default: MOYSKLAD_API_URL,
			description:
				'Leave as is. Only for a local test server: http is accepted for 127.0.0.1 / localhost only.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: moySkladAuthorization(credentials) },
		};
	}

	// The employee the credential belongs to: cheap, and never POST /security/token (that
	// would revoke the user's other tokens).
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{($credentials.baseUrl || "${MOYSKLAD_API_URL}").trim().replace(/\\/+$/, "")}}`,
			url: '/context/employee',
			method: 'GET',
			headers: { 'Accept-Encoding': 'gzip' },
		},
	};
}
