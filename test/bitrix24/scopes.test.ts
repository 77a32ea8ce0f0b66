/**
 * Scopes: what each operation needs, told in the credential's help text, checked by the
 * credential test (the `scope` method, https://apidocs.bitrix24.com/api-reference/common/system/scope.html)
 * and enforced by the sandbox per method (webhooks with a configured scope list).
 */
import type { ICredentialType, IDataObject, INodeType } from 'n8n-workflow';

import { Bitrix24OAuth2Api } from '../../credentials/Bitrix24OAuth2Api.credentials';
import { Bitrix24WebhookApi } from '../../credentials/Bitrix24WebhookApi.credentials';
import { runWorkflow } from '../harness';
import { SECRET, credentialTypes, hook, oauthCredentials, testCredential, useSandbox } from './fixtures';

const { sandbox, baseUrl } = useSandbox();

const webhook = () => ({ webhookSecretUrl: `${baseUrl()}/rest/1/${SECRET}/` });

describe('the webhook credential test reads the granted scopes', () => {
	it('every scope granted: OK, after one call of `scope` on the webhook', async () => {
		const outcome = await testCredential('bitrix24WebhookApi', webhook());

		expect(outcome).toEqual({ status: 'OK', message: 'Connection successful: the webhook has every scope the node uses (task, tasks, user, sonet_group, im)' });
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${hook('scope')}`]);
	});

	it('scopes missing: an error naming each one and the operations that need it', async () => {
		sandbox.webhookScopes.set('1', ['task', 'user']);

		const outcome = await testCredential('bitrix24WebhookApi', webhook());

		expect(outcome.status).toBe('Error');
		expect(outcome.message).toBe(
			'The webhook lacks scopes some operations need: tasks (Comment → Create on a task with a chat, new task card); ' +
				'sonet_group (the Group lists); im (Comment → Get Many on a task with a chat, new task card). ' +
				'Add them to the webhook in Bitrix24 (Developer resources → Integrations → the webhook → Edit); the webhook URL stays the same.',
		);
	});

	it('user_basic stands for user and socialnetwork for sonet_group; without task nothing works', async () => {
		sandbox.webhookScopes.set('1', ['user_basic', 'socialnetwork', 'tasks', 'im']);

		const outcome = await testCredential('bitrix24WebhookApi', webhook());

		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(/^The webhook lacks scopes some operations need: task \(every task operation, classic comments, task fields, the trigger\)\. Add/);
	});

	it('a wrong secret: an error with Bitrix24\'s answer and status, never the URL', async () => {
		const outcome = await testCredential('bitrix24WebhookApi', { webhookSecretUrl: `${baseUrl()}/rest/1/wrongsecret999/` });

		expect(outcome).toEqual({ status: 'Error', message: 'Bitrix24 refused the webhook (401 NO_AUTH_FOUND: Wrong authorization data): copy the current webhook URL from Bitrix24' });
	});

	it('a malformed URL: the credential\'s own problem, nothing sent', async () => {
		const outcome = await testCredential('bitrix24WebhookApi', { webhookSecretUrl: 'https://acme.bitrix24.com/crm/' });

		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(/^Webhook URL must look like/);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('the OAuth2 credential test', () => {
	/**
	 * n8n tests an OAuth2 credential with its type's declarative `test` request, run through
	 * n8n-core's RoutingNode with the credential (cli credentials-tester.service.ts): the same
	 * here, as a one-property declarative node.
	 */
	async function runDeclarativeTest(): Promise<{ error?: unknown; body: IDataObject }> {
		const type = new Bitrix24OAuth2Api() as ICredentialType;
		const request = type.test && 'request' in type.test ? type.test.request : undefined;
		const tester: INodeType = {
			description: {
				displayName: 'Credential test',
				name: 'credentialTest',
				group: ['transform'],
				version: 1,
				description: '',
				defaults: { name: 'Credential test' },
				inputs: ['main'],
				outputs: ['main'],
				credentials: [{ name: 'bitrix24OAuth2Api', required: true }],
				properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request } }],
			},
		};
		const run = await runWorkflow({
			nodeTypes: { 'test.credentialTest': tester },
			credentialTypes,
			credentials: oauthCredentials(baseUrl()),
			node: { type: 'test.credentialTest', parameters: {} },
		});
		return { error: run.error, body: (sandbox.requests[0]?.body ?? {}) as IDataObject };
	}

	it('calls `scope` with the token as `auth`, the documented way', async () => {
		const outcome = await runDeclarativeTest();

		expect(outcome.error).toBeUndefined();
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /rest/scope']);
		expect(outcome.body.auth).toBe('sandbox-access-token');
	});
});

describe('help text: the scopes each operation needs', () => {
	it.each([
		['Bitrix24 Webhook API', new Bitrix24WebhookApi().properties.find((property) => property.name === 'webhookSecretUrl')?.description],
		['Bitrix24 OAuth2 API', new Bitrix24OAuth2Api().properties.find((property) => property.name === 'scopeNotice')?.displayName],
	])('%s names task, tasks, im, user and sonet_group with their operations', (_name, text) => {
		for (const piece of ['task (', 'tasks (', 'im (', 'user (', 'sonet_group (']) expect(text).toContain(piece);
	});
});
