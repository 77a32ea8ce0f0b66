import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { parseServiceUrl } from '../shared/serviceUrl';

/** Cloud Pyrus: the API and the separate accounts host that issues tokens. */
export const PYRUS_CLOUD_API = 'https://api.pyrus.com/v4';
export const PYRUS_CLOUD_AUTH = 'https://accounts.pyrus.com/api/v4/auth';

function trimSlashes(url: string): string {
	return url.trim().replace(/\/+$/, '');
}

/** The on-premise server's API base as entered (blank: cloud). */
function serverUrl(credentials: ICredentialDataDecryptedObject): string {
	return trimSlashes(String(credentials.serverUrl ?? ''));
}

/** What is wrong with the credential's server URL, naming the field; undefined when it is fine. */
export function pyrusServerProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	const raw = serverUrl(credentials);
	if (raw === '') return undefined;
	const url = parseServiceUrl(raw);
	if (url === 'not a URL') {
		return `Server URL "${raw}" is not a URL; use e.g. https://pyrus.example.com/api/v4, or leave it empty for the cloud`;
	}
	if (url === 'not HTTPS') return `Server URL "${raw}" must start with https://`;
	return undefined;
}

/** The API base the user configured: the on-premise server, or the cloud API. */
export function pyrusConfiguredApi(credentials: ICredentialDataDecryptedObject): string {
	return serverUrl(credentials) || PYRUS_CLOUD_API;
}

/** Where tokens are issued: the cloud accounts host, or `/auth` on the on-premise server. */
export function pyrusAuthUrl(credentials: ICredentialDataDecryptedObject): string {
	const server = serverUrl(credentials);
	return server ? `${server}/auth` : PYRUS_CLOUD_AUTH;
}

/** The API base calls go to: the `api_url` the last token came with, else the configured one. */
export function pyrusApiBase(credentials: ICredentialDataDecryptedObject): string {
	const announced = trimSlashes(String(credentials.apiUrl ?? ''));
	return announced || pyrusConfiguredApi(credentials);
}
