import type { ICredentialTestFunctions, ICredentialsDecrypted, IDataObject, INodeCredentialTestResult } from 'n8n-workflow';

import { parseBitrix24Webhook } from '../../../credentials/Bitrix24WebhookApi.credentials';
import { redactText } from '../../shared/transport/redact';
import { B24_SCOPE_NEEDS, missingScopes } from '../../../credentials/Bitrix24/scopes';

interface FullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

/** `{ error, error_description }` of a classic answer, as "CODE: text". */
function vendorError(body: unknown): string {
	const { error, error_description: description } = (body ?? {}) as IDataObject;
	return [error, description].filter((part) => typeof part === 'string' && part !== '').join(': ');
}

/**
 * Tests an inbound webhook: calls `scope` (scope `basic`, any webhook may: source
 * https://apidocs.bitrix24.com/api-reference/common/system/scope.html) and says which scopes the
 * node's operations need that the webhook lacks, and for which operations. Nothing it says repeats the webhook URL.
 */
export async function bitrix24CredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const webhook = parseBitrix24Webhook(credential.data?.webhookSecretUrl);
	if ('problem' in webhook) return { status: 'Error', message: webhook.problem };
	const secrets = [webhook.secret, String(credential.data?.webhookSecretUrl ?? '')];
	const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message: redactText(message, secrets) });

	let answer: FullResponse;
	try {
		// The credential-test context offers no other HTTP helper than `request`.
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		answer = (await this.helpers.request({
			method: 'POST',
			uri: `${webhook.origin}/rest/${webhook.userId}/${webhook.secret}/scope`,
			body: {},
			json: true,
			headers: { Accept: 'application/json' },
			// Every status comes back as an answer; a redirect is reported, never followed.
			simple: false,
			resolveWithFullResponse: true,
			followRedirect: false,
			timeout: 30_000,
		})) as FullResponse;
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		return fail(`Could not reach the portal (${typeof code === 'string' ? code : (error as Error).message})`);
	}

	const status = answer.statusCode;
	if (status >= 300 && status < 400) {
		return fail(`The portal answered ${status} with a redirect: it may have been renamed. Copy the current webhook URL from Bitrix24`);
	}
	if (status >= 400) {
		const detail = vendorError(answer.body) || `HTTP ${status}`;
		if (status === 401 || /NO_AUTH_FOUND|INVALID_CREDENTIALS/i.test(detail)) {
			return fail(`Bitrix24 refused the webhook (${status} ${detail}): copy the current webhook URL from Bitrix24`);
		}
		return fail(`Bitrix24 answered ${status} (${detail})`);
	}
	const granted = (answer.body as IDataObject | undefined)?.result;
	if (!Array.isArray(granted)) return fail('The portal did not answer the scope method as Bitrix24 does: check the webhook URL');

	const missing = missingScopes(granted.map(String));
	if (missing.length > 0) {
		const list = missing.map((need) => `${need.scope} (${need.operations})`).join('; ');
		return fail(
			`The webhook lacks scopes some operations need: ${list}. ` +
				'Add them to the webhook in Bitrix24 (Developer resources → Integrations → the webhook → Edit); the webhook URL stays the same.',
		);
	}
	return {
		status: 'OK',
		message: `Connection successful: the webhook has every scope the node uses (${B24_SCOPE_NEEDS.map((need) => need.scope).join(', ')})`,
	};
}
