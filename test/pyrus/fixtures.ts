/**
 * Shared setup of the Pyrus suites: node, trigger and credential types, a cloud credential
 * with and without a token, example tasks and forms (https://pyrus.com/en/help/api/tasks, https://pyrus.com/en/help/api/fields), and `runPyrus()`,
 * one run of the node through n8n-core's engine.
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { PyrusApi } from '../../credentials/PyrusApi.credentials';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import { PyrusTrigger } from '../../nodes/Pyrus/PyrusTrigger.node';
import { recordRequests, requestLines, runNode, useVendorEnvironment } from '../harness';
import type { CredentialDataMap, RequestLog, RunNodeOptions, RunWorkflowResult } from '../harness';
import { DEMO_FORM } from '../sandbox/pyrus';

export const NODE_TYPE = 'n8n-nodes-crm-tasks.pyrus';
export const TRIGGER_TYPE = 'n8n-nodes-crm-tasks.pyrusTrigger';
export const API_HOST = 'https://api.pyrus.com';
export const AUTH_HOST = 'https://accounts.pyrus.com';
export const API = '/v4';
export const LOGIN = 'bot@6f1c2a90-acme';
/** Distinctive, so a leak is easy to spot in anything the run stored. */
export const SECRET_KEY = 'pyrus-SECURITY-KEY-4b9e7d2a1c';
export const TOKEN = 'pyrus-ACCESS-TOKEN-a81f3c5e77d0';
export const BEARER = `Bearer ${TOKEN}`;

export const nodeTypes = { [NODE_TYPE]: new Pyrus(), [TRIGGER_TYPE]: new PyrusTrigger() };
export const credentialTypes = { pyrusApi: new PyrusApi() };

/** A cloud bot credential that already holds a token (set `accessToken: ''` for a fresh one). */
export function pyrusCredentials(overrides: ICredentialDataDecryptedObject = {}): CredentialDataMap {
	return {
		pyrusApi: { login: LOGIN, secretKey: SECRET_KEY, accessToken: TOKEN, apiUrl: 'https://api.pyrus.com/v4/', ...overrides },
	};
}

/** Registers nock, runs waits 1000 times faster, gives every test a fresh rate budget. */
export function usePyrusEnvironment(options: { allowLocalhost?: boolean } = {}): void {
	useVendorEnvironment(options);
}

export function api(): nock.Scope {
	return nock(API_HOST);
}

export type RunPyrusOptions = RunNodeOptions;

/** One run of the Pyrus node. */
export async function runPyrus(parameters: INodeParameters, options: RunPyrusOptions = {}): Promise<RunWorkflowResult> {
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, pyrusCredentials(), parameters, options);
}

export function record(...scopes: nock.Scope[]): RequestLog {
	return recordRequests(...scopes);
}

/** `METHOD /path` of each recorded request. */
export function lines(log: RequestLog): string[] {
	return requestLines(log.requests);
}

export { byId } from '../harness';

export const BOB = { id: 1731, first_name: 'Bob', last_name: 'Smith', email: 'bob.smith@example.com', type: 'user' };
export const JOHN = { id: 1733, first_name: 'John', last_name: 'Snow', email: 'john.snow@example.com', type: 'user' };

/** A simple task as Pyrus returns it (https://pyrus.com/en/help/api/tasks). */
export function simpleTask(id: number, overrides: IDataObject = {}): IDataObject {
	return {
		id,
		text: `Task ${id}\nsecond line`,
		create_date: '2026-03-01T09:00:00Z',
		last_modified_date: '2026-03-02T10:30:00Z',
		author: BOB,
		responsible: JOHN,
		participants: [JOHN],
		due_date: '2026-03-10',
		list_ids: [],
		comments: [{ id: 13767, create_date: '2026-03-01T09:00:00Z', author: BOB, text: 'Created' }],
		...overrides,
	};
}

/** A form task of the demo form 321. */
export function formTask(id: number, overrides: IDataObject = {}): IDataObject {
	return {
		id,
		form_id: DEMO_FORM.id,
		text: 'Purchase request',
		create_date: '2026-03-01T09:00:00Z',
		last_modified_date: '2026-03-02T10:30:00Z',
		author: BOB,
		responsible: JOHN,
		current_step: 1,
		fields: [{ id: 1, type: 'text', name: 'Purpose', value: 'Printer' }],
		comments: [],
		...overrides,
	};
}

/** The demo form's template as GET /forms/321 answers. */
export const FORM_321 = DEMO_FORM as unknown as IDataObject;

/** Pyrus's error body. */
export function pyrusError(code: string, error: string): IDataObject {
	return { error, error_code: code };
}

/** Everything a run stored, as text, for leak checks. */
export function stored(result: RunWorkflowResult): string {
	return JSON.stringify({ items: result.items, error: result.error, runData: result.runData });
}
