/**
 * Shared setup of the MoySklad node suites: node and credential types, token and login
 * credentials, tasks as the API returns them (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha), and `runMs()`, one
 * run of the node through n8n-core's engine.
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { MoySkladApi } from '../../credentials/MoySkladApi.credentials';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { MoySkladTrigger } from '../../nodes/MoySklad/MoySkladTrigger.node';
import { recordRequests, requestLines, runNode, useVendorEnvironment } from '../harness';
import type { CredentialDataMap, RequestLog, RunNodeOptions, RunWorkflowResult } from '../harness';

export const NODE_TYPE = 'n8n-nodes-crm-tasks.moySklad';
export const TRIGGER_TYPE = 'n8n-nodes-crm-tasks.moySkladTrigger';
export const HOST = 'https://api.moysklad.ru';
export const API = '/api/remap/1.2';
export const BASE = `${HOST}${API}`;
/** Distinctive, so a leak is easy to spot in anything the run stored. */
export const TOKEN = 'ms-token-5e1f0c7a9b2d4e68-secret';
export const BEARER = `Bearer ${TOKEN}`;
export const LOGIN = 'admin@acme';
export const PASSWORD = 'Pa$$w0rd-ms-secret';
export const BASIC = `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')}`;

export const nodeTypes = { [NODE_TYPE]: new MoySklad(), [TRIGGER_TYPE]: new MoySkladTrigger() };
export const credentialTypes = { moySkladApi: new MoySkladApi() };

/** Ids as MoySklad writes them. */
export const IDS = {
	task: '47bc1d9b-8b87-11e8-d9ce-84d900000017',
	task2: '47bc1d9b-8b87-11e8-d9ce-84d900000018',
	task3: '47bc1d9b-8b87-11e8-d9ce-84d900000019',
	employee: '98fa7086-8aa1-11e8-7210-075e0000002c',
	employee2: '3e3001c5-b9d4-11f0-0a80-248f00000056',
	counterparty: '12a8b923-692c-11e6-8a84-bae500000053',
	organization: '3c6e2b5f-8aa1-11e8-7210-075e00000001',
	state: '4f70c518-60a1-11e7-6adb-ede500000003',
	state2: '3b6eb61a-60c5-11e7-6adb-ede500000001',
	note: '55eaa2cc-8b87-11e8-d9ce-84d900000025',
	order: '7944ef04-f831-11e5-7a69-971500188b19',
};

/** The access-token credential. */
export function tokenCredentials(overrides: ICredentialDataDecryptedObject = {}): CredentialDataMap {
	return { moySkladApi: { authType: 'token', accessToken: TOKEN, requestCost: 4, baseUrl: BASE, ...overrides } };
}

export function basicCredentials(): CredentialDataMap {
	return { moySkladApi: { authType: 'basic', login: LOGIN, password: PASSWORD, requestCost: 4, baseUrl: BASE } };
}

/**
 * Registers nock for the file, runs throttle and retry waits 1000 times faster and gives
 * every test a fresh budget. Call once at the top of a test file.
 */
export function useMsEnvironment(options: { allowLocalhost?: boolean } = {}): void {
	useVendorEnvironment(options);
}

export function ms(): nock.Scope {
	return nock(HOST);
}

export type RunMsOptions = RunNodeOptions;

/** One run of the MoySklad node (access token unless `credentials` says otherwise). */
export async function runMs(parameters: INodeParameters, options: RunMsOptions = {}): Promise<RunWorkflowResult> {
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, tokenCredentials(), parameters, options);
}

export function record(...scopes: nock.Scope[]): RequestLog {
	return recordRequests(...scopes);
}

/** `METHOD /path` of each recorded request. */
export function lines(log: RequestLog): string[] {
	return requestLines(log.requests);
}

/** A reference as the node builds it. */
export function ref(type: string, path: string): IDataObject {
	return { meta: { href: `${BASE}/${path}`, type, mediaType: 'application/json' } };
}

export const employeeRef = (id = IDS.employee) => ref('employee', `entity/employee/${id}`);
export const stateRef = (id = IDS.state) => ref('state', `entity/task/metadata/states/${id}`);
export const taskRef = (id = IDS.task) => ref('task', `entity/task/${id}`);

/** A task as the API returns it (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha; its examples carry no web-app link, `uuidHref`). */
export function msTask(id = IDS.task, overrides: IDataObject = {}): IDataObject {
	return {
		meta: {
			href: `${BASE}/entity/task/${id}`,
			metadataHref: `${BASE}/entity/task/metadata`,
			type: 'task',
			mediaType: 'application/json',
		},
		id,
		accountId: '0af94520-54f7-11e7-6adb-ede500000001',
		description: 'Fix legal entity details\nin the contract',
		assignee: employeeRef(),
		author: employeeRef(IDS.employee2),
		state: stateRef(),
		agent: ref('counterparty', `entity/counterparty/${IDS.counterparty}`),
		dueToDate: '2026-05-12 17:12:00',
		done: false,
		created: '2026-05-01 09:00:00.000',
		updated: '2026-05-02 10:30:15.123',
		...overrides,
	};
}

/** A task type (task state) as the API returns it (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha, task states). */
export function msState(id: string, name: string, color = 0): IDataObject {
	return {
		meta: { ...stateRef(id).meta as IDataObject, metadataHref: `${BASE}/entity/task/metadata` },
		id,
		accountId: '0af94520-54f7-11e7-6adb-ede500000001',
		name,
		color,
		stateType: 'Regular',
		entityType: 'task',
	};
}

/** The task metadata answer, which carries the account's task types. */
export function msMetadata(states: IDataObject[]): IDataObject {
	return { meta: { href: `${BASE}/entity/task/metadata`, mediaType: 'application/json' }, states };
}

/** A list answer with `meta.size` and, when more follow, `nextHref`. */
export function msList(rows: IDataObject[], options: { size?: number; offset?: number; limit?: number; path?: string } = {}): IDataObject {
	const size = options.size ?? rows.length;
	const offset = options.offset ?? 0;
	const limit = options.limit ?? 1000;
	const href = `${BASE}/${options.path ?? 'entity/task'}`;
	return {
		context: { employee: employeeRef() },
		meta: {
			href: `${href}?limit=${limit}&offset=${offset}`,
			type: 'task',
			mediaType: 'application/json',
			size,
			limit,
			offset,
			...(offset + limit < size ? { nextHref: `${href}?limit=${limit}&offset=${offset + limit}` } : {}),
		},
		rows,
	};
}

/** A per-element (or whole-answer) error as the API writes it. */
export function msError(error: string, code: number, parameter?: string): IDataObject {
	return { errors: [{ error, code, ...(parameter ? { parameter } : {}), moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${code}` }] };
}

/** Tasks with consecutive ids (last 12 hex digits). */
export function taskRange(first: number, count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => msTask(`47bc1d9b-8b87-11e8-d9ce-${(first + i).toString(16).padStart(12, '0')}`));
}

export { byId } from '../harness';
