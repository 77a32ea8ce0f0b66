/**
 * Shared setup of the amoCRM node suites: the node and credential types, a long-lived-token
 * and an OAuth2 credential, example tasks (amoCRM's tasks API documentation, https://www.amocrm.ru/developers/content/crm_platform/tasks-api), and `runAmo()`, one
 * run of the node through n8n-core's engine.
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AmoCrmApi } from '../../credentials/AmoCrmApi.credentials';
import { AmoCrmOAuth2Api } from '../../credentials/AmoCrmOAuth2Api.credentials';
import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { recordRequests, requestLines, runNode, useVendorEnvironment } from '../harness';
import type { CredentialDataMap, RequestLog, RunNodeOptions, RunWorkflowResult, SetupNockOptions } from '../harness';

export const NODE_TYPE = 'n8n-nodes-crm-tasks.amoCrm';
export const HOST = 'https://acme.amocrm.ru';
export const API = '/api/v4';
/** Distinctive, so a leak is easy to spot in anything the run stored. */
export const TOKEN = 'amo-LLT-7f3c9e21d4b8a6f0-secret';
export const BEARER = `Bearer ${TOKEN}`;

export const nodeTypes = { [NODE_TYPE]: new AmoCrm() };
export const credentialTypes = { amoCrmApi: new AmoCrmApi(), amoCrmOAuth2Api: new AmoCrmOAuth2Api() };

/** The long-lived-token credential of account "acme" on amocrm.ru. */
export function tokenCredentials(overrides: ICredentialDataDecryptedObject = {}): CredentialDataMap {
	return { amoCrmApi: { domain: 'amocrm.ru', subdomain: 'acme', accessToken: TOKEN, ...overrides } };
}

/**
 * Registers nock for the file, runs the throttle and retry waits 1000 times faster and
 * gives every test a fresh rate budget. Call once at the top of a test file
 * (`allowLocalhost` for files that also run against the loopback sandbox).
 */
export function useAmoEnvironment(options: SetupNockOptions = {}): void {
	useVendorEnvironment(options);
}

/** The account's API host, for interceptors. */
export function amo(): nock.Scope {
	return nock(HOST);
}

export type RunAmoOptions = RunNodeOptions;

/** One run of the amoCRM node (long-lived token unless `credentials` says otherwise). */
export async function runAmo(parameters: INodeParameters, options: RunAmoOptions = {}): Promise<RunWorkflowResult> {
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, tokenCredentials(), parameters, options);
}

/** A bulk write of tasks answered with `answers`, then the read-back by id answered with `tasks`. */
export function writeThenRead(method: 'post' | 'patch', answers: IDataObject[], tasks: IDataObject[]): nock.Scope {
	return amo()
		[method](`${API}/tasks`)
		.reply(200, { _embedded: { tasks: answers } })
		.get(`${API}/tasks`)
		.query(true)
		.reply(200, halList('tasks', tasks));
}

/**
 * Records requests, including ones no interceptor matched (which fail: the network is off).
 * Stop it after the run.
 */
export function record(...scopes: nock.Scope[]): RequestLog {
	return recordRequests(...scopes);
}

/** `METHOD /path` of each recorded request. */
export function lines(log: RequestLog): string[] {
	return requestLines(log.requests);
}

/** A task as amoCRM returns it (https://www.amocrm.ru/developers/content/crm_platform/tasks-api, the task model). */
export function amoTask(id: number, overrides: IDataObject = {}): IDataObject {
	return {
		id,
		created_by: 54224,
		updated_by: 3987910,
		created_at: 1575910123,
		updated_at: 1576767989,
		responsible_user_id: 123123,
		group_id: 0,
		entity_id: 180765,
		entity_type: 'leads',
		duration: 0,
		is_completed: false,
		task_type_id: 2,
		text: `Task ${id}`,
		result: [],
		complete_till: 1575910423,
		account_id: 321312,
		_links: { self: { href: `${HOST}${API}/tasks/${id}` } },
		...overrides,
	};
}

/** A HAL list answer; `next` adds `_links.next`. */
export function halList(key: string, list: IDataObject[], page = 1, next = false): IDataObject {
	return {
		_page: page,
		_links: {
			self: { href: `${HOST}${API}/${key}?page=${page}` },
			...(next ? { next: { href: `${HOST}${API}/${key}?page=${page + 1}` } } : {}),
		},
		_embedded: { [key]: list },
	};
}

/** Tasks with consecutive ids. */
export function taskRange(first: number, count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => amoTask(first + i));
}

/** amoCRM's RFC 7807 answer to a rejected batch (https://www.amocrm.com/developers/content/api/errors). */
export function validationErrors(entries: Array<{ requestId: string; path: string; detail: string }>): IDataObject {
	return {
		'validation-errors': entries.map(({ requestId, path, detail }) => ({
			request_id: requestId,
			errors: [{ code: 'NotSupportedChoice', path, detail }],
		})),
		title: 'Bad Request',
		type: 'https://httpstatus.es/400',
		status: 400,
		detail: 'Request validation failed',
	};
}

export const PROBLEM_JSON = { 'Content-Type': 'application/problem+json' };
