/**
 * Vendor-neutral test doubles for the shared request helper: a small vendor profile, three
 * credential types (bearer header, key in the query string, session token fetched by
 * preAuthentication) and node types that drive `apiRequest` and `routeOperations` from node
 * parameters, so the transport is exercised through n8n's engine without any vendor's quirks.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestMethods,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { routeOperations, type ItemResult, type OperationMap } from '../../nodes/shared/execute';
import { nodeParameter } from '../../nodes/shared/parameters';
import { stringValues } from '../../nodes/shared/transport/redact';
import { apiRequest } from '../../nodes/shared/transport/request';
import type { LimitSignal, RawResponse, VendorProfile } from '../../nodes/shared/transport/types';

export const PROBE_API = 'https://probe.example.test';
export const PROBE_NODE = 'n8n-nodes-crm-tasks.transportProbe';
export const ROUTE_NODE = 'n8n-nodes-crm-tasks.routeProbe';

/** Hint the test profile gives for a 401. */
export const PROBE_401_HINT = 'Check the Probe token: it is wrong, expired or revoked.';

// ---------------------------------------------------------------- credential types

/** Bearer token in a header (generic declarative auth, as most vendors). */
export class ProbeApi implements ICredentialType {
	name = 'probeApi';
	displayName = 'Probe API';
	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: PROBE_API },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
	];
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};
}

/** The secret travels in the query string (as a Bitrix24 webhook or a key-in-URL API). */
export class ProbeQsApi implements ICredentialType {
	name = 'probeQsApi';
	displayName = 'Probe Query Key API';
	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: PROBE_API },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
	];
	authenticate = {
		type: 'generic' as const,
		properties: { qs: { api_key: '={{$credentials.token}}' } },
	};
}

/** Login + password exchanged for a session token by preAuthentication (as Pyrus). */
export class ProbeSessionApi implements ICredentialType {
	name = 'probeSessionApi';
	displayName = 'Probe Session API';
	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: PROBE_API },
		{ displayName: 'Login', name: 'login', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl)}/session`,
			body: { login: credentials.login, password: credentials.password },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}

	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Session {{$credentials.sessionToken}}' } },
	};
}

export const probeCredentialTypes = {
	probeApi: new ProbeApi(),
	probeQsApi: new ProbeQsApi(),
	probeSessionApi: new ProbeSessionApi(),
};

const CREDENTIAL_FOR: Record<string, string> = {
	token: 'probeApi',
	queryKey: 'probeQsApi',
	session: 'probeSessionApi',
};

// ---------------------------------------------------------------- the vendor profile

function retryAfterMs(response: RawResponse): number | undefined {
	const raw = response.headers['retry-after'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
	return Number(value) * 1000;
}

/** A plain vendor: 429 + Retry-After for limits, 423 for a blocked account, `{ message }` errors. */
export function probeProfile(overrides: Partial<VendorProfile> = {}): VendorProfile {
	return {
		displayName: 'Probe',
		credentialType: (context) => CREDENTIAL_FOR[nodeParameter<string>(context, 'authentication', 'token')],
		baseUrl: (credentials) => String(credentials.baseUrl),
		accountKey: (credentials) => `${String(credentials.baseUrl)}|${String(credentials.token ?? credentials.login)}`,
		secrets: (credentials) => stringValues(credentials, ['token', 'password', 'sessionToken']),
		// Generous: these tests are about retries, not about the throttle.
		rateLimit: { capacity: 100, refillPerSecond: 100, maxInFlight: 10 },
		limitSignal(response: RawResponse): LimitSignal {
			if (response.statusCode === 429) return { kind: 'limited', retryAfterMs: retryAfterMs(response) };
			if (response.statusCode === 423) return { kind: 'blocked', message: 'the account is blocked' };
			return { kind: 'ok' };
		},
		parseError(response: RawResponse) {
			const body = response.body as IDataObject | string | undefined;
			if (body && typeof body === 'object' && typeof body.message === 'string') {
				return {
					message: body.message,
					description: typeof body.detail === 'string' ? body.detail : undefined,
				};
			}
			if (typeof body === 'string' && body.trim() !== '') return { message: body.trim() };
			return { message: `HTTP ${response.statusCode}` };
		},
		hint: (statusCode) => (statusCode === 401 ? PROBE_401_HINT : undefined),
		...overrides,
	};
}

/** Profiles the probe node can use, by name (its `profile` parameter). Tests may add their own. */
export const probeProfiles: Record<string, VendorProfile> = { default: probeProfile() };

// ---------------------------------------------------------------- the probe node

/**
 * Sends one `apiRequest` per input item. The request comes from node parameters (which may
 * be expressions over the item), and the operation runs through `routeOperations`.
 */
async function probeRequest(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const profile = probeProfiles[this.getNodeParameter('profile', itemIndex) as string];
	if (!profile) throw new NodeOperationError(this.getNode(), 'unknown test profile', { itemIndex });
	const idempotent = this.getNodeParameter('idempotent', itemIndex) as string;
	const rawBody = this.getNodeParameter('body', itemIndex) as string | IDataObject;
	const body = typeof rawBody === 'string' ? (rawBody.trim() ? (JSON.parse(rawBody) as IDataObject) : undefined) : rawBody;
	const doneStatus = this.getNodeParameter('doneWhenRepeatAnswers', itemIndex, 0) as number;
	const response = await apiRequest.call(this, profile, {
		method: this.getNodeParameter('method', itemIndex) as IHttpRequestMethods,
		path: this.getNodeParameter('path', itemIndex) as string,
		body,
		idempotent: idempotent === 'auto' ? undefined : idempotent === 'yes',
		itemIndex,
		doneWhenRepeatAnswers: doneStatus ? (answer) => answer.statusCode === doneStatus : undefined,
	});
	return {
		statusCode: response.statusCode,
		body: (response.body ?? null) as IDataObject,
		...(response.alreadyDone ? { alreadyDone: true } : {}),
	};
}

const probeOperations: OperationMap = {
	probe: { request: { description: [], execute: probeRequest } },
};

export class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		description: 'Sends one request per item through the shared request helper',
		defaults: { name: 'Transport Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: Object.entries(CREDENTIAL_FOR).map(([authentication, name]) => ({
			name,
			required: true,
			displayOptions: { show: { authentication: [authentication] } },
		})),
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: Object.keys(CREDENTIAL_FOR).map((value) => ({ name: value, value })),
				default: 'token',
			},
			{ displayName: 'Resource', name: 'resource', type: 'hidden', default: 'probe' },
			{ displayName: 'Operation', name: 'operation', type: 'hidden', default: 'request' },
			{ displayName: 'Profile', name: 'profile', type: 'string', default: 'default' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/things' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
			// A status that, answering a repeat after an unknown outcome, means the work was done.
			{ displayName: 'Done When Repeat Answers', name: 'doneWhenRepeatAnswers', type: 'number', default: 0 },
			{
				displayName: 'Idempotent',
				name: 'idempotent',
				type: 'options',
				options: [
					{ name: 'From the Method', value: 'auto' },
					{ name: 'Yes', value: 'yes' },
					{ name: 'No', value: 'no' },
				],
				default: 'auto',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, probeOperations);
	}
}

// ---------------------------------------------------------------- the routing node

function itemJson(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getInputData()[itemIndex].json;
}

/** Item indices the `single` operation ran for, in order (tests clear it). */
export const executedItems: number[] = [];

/**
 * Operations whose outcome each input item decides: `{ fail: "why" }` fails the item,
 * `{ many: n }` answers with n objects, anything else echoes the item.
 */
const routeOperationsMap: OperationMap = {
	thing: {
		single: {
			description: [],
			async execute(this: IExecuteFunctions, itemIndex: number) {
				executedItems.push(itemIndex);
				const json = itemJson(this, itemIndex);
				if (typeof json.fail === 'string') throw new Error(json.fail);
				if (typeof json.many === 'number') {
					return Array.from({ length: json.many }, (_, n) => ({ item: itemIndex, n }));
				}
				return { item: itemIndex, echo: json };
			},
		},
		batch: {
			description: [],
			async executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
				return itemIndices.map((itemIndex) => {
					const json = itemJson(this, itemIndex);
					if (typeof json.fail === 'string') {
						return new NodeOperationError(this.getNode(), json.fail, { itemIndex });
					}
					return { item: itemIndex, batched: itemIndices.length };
				});
			},
		},
		batchShort: {
			description: [],
			async executeBatch(this: IExecuteFunctions): Promise<ItemResult[]> {
				return [{ only: 'the first' }];
			},
		},
		batchThrows: {
			description: [],
			async executeBatch(this: IExecuteFunctions): Promise<ItemResult[]> {
				throw new NodeOperationError(this.getNode(), 'the whole batch failed');
			},
		},
	},
};

export class RouteProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Route Probe',
		name: 'routeProbe',
		group: ['transform'],
		version: 1,
		description: 'Exercises routeOperations',
		defaults: { name: 'Route Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Resource', name: 'resource', type: 'string', default: 'thing' },
			{ displayName: 'Operation', name: 'operation', type: 'string', default: 'single' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, routeOperationsMap);
	}
}

export const probeNodeTypes = {
	[PROBE_NODE]: new TransportProbe(),
	[ROUTE_NODE]: new RouteProbe(),
};
