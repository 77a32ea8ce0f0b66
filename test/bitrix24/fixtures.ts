/**
 * Shared setup of the Bitrix24 suites: node and credential types, credentials for the
 * loopback sandbox, and `runB24()`, one run of the node through n8n-core's engine.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialTestFunction, INodeCredentialTestResult, INodeParameters } from 'n8n-workflow';

import { Bitrix24OAuth2Api } from '../../credentials/Bitrix24OAuth2Api.credentials';
import { Bitrix24WebhookApi } from '../../credentials/Bitrix24WebhookApi.credentials';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { Bitrix24Trigger } from '../../nodes/Bitrix24/Bitrix24Trigger.node';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { requestLines, runNode, SUITE_TIME_SCALE, setupNock } from '../harness';
import type { CredentialDataMap, RunNodeOptions, RunWorkflowResult } from '../harness';
import { B24_ALL_SCOPES, Bitrix24Sandbox, type Bitrix24SandboxOptions } from '../sandbox/bitrix24';
import type { RequestLogEntry } from '../sandbox/framework';

export const NODE_TYPE = 'n8n-nodes-crm-tasks.bitrix24';
export const TRIGGER_TYPE = 'n8n-nodes-crm-tasks.bitrix24Trigger';
/** The sandbox's webhook secret for user 1: distinctive, so a leak is easy to spot. */
export const SECRET = 'sandboxsecret1234';

export const nodeTypes = { [NODE_TYPE]: new Bitrix24(), [TRIGGER_TYPE]: new Bitrix24Trigger() };
export const credentialTypes = { bitrix24WebhookApi: new Bitrix24WebhookApi(), bitrix24OAuth2Api: new Bitrix24OAuth2Api() };

export { byId } from '../harness';

export function webhookCredentials(baseUrl: string, overrides: ICredentialDataDecryptedObject = {}): CredentialDataMap {
	return { bitrix24WebhookApi: { webhookSecretUrl: `${baseUrl}/rest/1/${SECRET}/`, ...overrides } };
}

/** The sandbox's OAuth2 application: `access` as the stored access token, refreshed at the sandbox. */
export function oauthCredentials(baseUrl: string, access = 'sandbox-access-token', overrides: ICredentialDataDecryptedObject = {}): CredentialDataMap {
	return {
		bitrix24OAuth2Api: {
			portalUrl: baseUrl,
			clientId: 'local.app.1',
			clientSecret: 'client-secret-b24-777',
			accessTokenUrl: `${baseUrl}/oauth/token/`,
			oauthTokenData: { access_token: access, refresh_token: 'sandbox-refresh-token', token_type: 'Bearer' },
			...overrides,
		},
	};
}

/**
 * What n8n's credential tester answers for a credential of the node (the node's `testedBy`
 * function run in n8n-core's own CredentialTestContext, as the CLI runs it).
 */
export async function testCredential(type: string, data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const node = new Bitrix24();
	const testedBy = node.description.credentials?.find((credential) => credential.name === type)?.testedBy;
	if (typeof testedBy !== 'string') throw new Error(`${type} is not tested by a function of the node`);
	const test = (node.methods as { credentialTest?: Record<string, ICredentialTestFunction> }).credentialTest?.[testedBy];
	if (!test) throw new Error(`the node has no credential test ${testedBy}`);
	return await test.call(new CredentialTestContext(), { id: 'cred-1', name: 'Bitrix24', type, data });
}

/**
 * Starts one sandbox for the test file (no rate limit unless asked), runs the helper's waits
 * 1000 times faster and gives every test a fresh budget and an empty sandbox.
 */
export function useSandbox(options: Bitrix24SandboxOptions = {}): { sandbox: Bitrix24Sandbox; baseUrl: () => string } {
	setupNock({ allowLocalhost: true });
	const sandbox = new Bitrix24Sandbox({ rateLimit: false, ...options });
	let baseUrl = '';
	beforeAll(async () => {
		setTimeScale(SUITE_TIME_SCALE);
		baseUrl = await sandbox.start();
	});
	afterAll(async () => {
		await sandbox.stop();
		setTimeScale(1);
	});
	beforeEach(() => {
		resetProcessState();
		sandbox.resetData();
		sandbox.clearLog();
		sandbox.calls.length = 0;
		sandbox.faults.reset();
		sandbox.newTaskCard = options.newTaskCard ?? false;
		sandbox.redirectTo = undefined;
		sandbox.operationLimited.clear();
		sandbox.webhookScopes.clear();
		sandbox.oauthScopes = [...B24_ALL_SCOPES];
		sandbox.expiredTokens.clear();
		sandbox.acceptBearer = options.acceptBearer ?? false;
		sandbox.insufficientScopeStatus = options.insufficientScopeStatus ?? 401;
		sandbox.chatScope = options.chatScope ?? 'tasks';
		sandbox.unknownFilterField = options.unknownFilterField ?? 'error';
		sandbox.strictDates = options.strictDates ?? true;
		sandbox.closedDateAt = options.closedDateAt ?? 'completion';
		for (const id of ['2', '3', '4']) sandbox.addUser({ ID: id, NAME: `User${id}`, LAST_NAME: 'Test' });
	});
	return { sandbox, baseUrl: () => baseUrl };
}

export type RunB24Options = RunNodeOptions;

/** One run of the Bitrix24 node against the sandbox (webhook credential unless told otherwise). */
export async function runB24(
	baseUrl: string,
	parameters: INodeParameters,
	options: RunB24Options = {},
): Promise<RunWorkflowResult> {
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, webhookCredentials(baseUrl), parameters, options);
}

/** `METHOD /path` of each request the sandbox received. */
export function lines(requests: readonly RequestLogEntry[]): string[] {
	return requestLines(requests);
}

/** The webhook path of a method. */
export const hook = (method: string) => `/rest/1/${SECRET}/${method}`;

/** The JSON of each output item. */
export const jsonOf = (result: RunWorkflowResult) => result.items.map((item) => item.json);
