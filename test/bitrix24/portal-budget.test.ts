/**
 * Bitrix24 counts the request rate per portal (and source address), shared by every app and
 * webhook on it (source: https://apidocs.bitrix24.com/limits.html, the leaky bucket that
 * applications on one server share). Two users' webhooks and an OAuth application on one sandbox
 * portal, at the sandbox's real limit (50 burst, 2 per second, on a faster time scale): one
 * budget in the n8n process, no limit answers.
 * Assertions are counts, never durations.
 */
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runWorkflow, setupNock, type CredentialDataMap } from '../harness';
import { Bitrix24Sandbox } from '../sandbox/bitrix24';
import { NODE_TYPE, credentialTypes, nodeTypes, oauthCredentials, webhookCredentials } from './fixtures';

const SCALE = 20;
const SECOND_SECRET = 'secondsecret5678';

setupNock({ allowLocalhost: true });

const sandbox = new Bitrix24Sandbox({ timeScale: SCALE });
let baseUrl = '';

beforeAll(async () => {
	baseUrl = await sandbox.start();
	sandbox.webhooks.set('2', SECOND_SECRET);
	sandbox.addUser({ ID: '2' });
	sandbox.accessTokens.set('sandbox-access-token', '2');
});

beforeEach(() => {
	resetProcessState();
	setTimeScale(SCALE);
});

afterAll(async () => {
	await sandbox.stop();
	resetProcessState();
	setTimeScale(1);
});

const READS = 60;

async function readMany(credentials: CredentialDataMap, authentication: string) {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials,
		node: { type: NODE_TYPE, parameters: { authentication, resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } } },
		input: Array.from({ length: READS }, (_, n) => ({ id: n + 1 })),
	});
}

describe('one request budget per portal', () => {
	beforeAll(() => {
		for (let n = 0; n < READS; n++) sandbox.addTask({});
	});
	beforeEach(() => {
		sandbox.clearLog();
		sandbox.resetRateLimit();
	});

	it.each([
		['two users\' webhooks', () => webhookCredentials(baseUrl, { webhookSecretUrl: `${baseUrl}/rest/2/${SECOND_SECRET}/` }), 'webhook'],
		['a webhook and an OAuth application', () => oauthCredentials(baseUrl), 'oAuth2'],
	])('%s running at once draw no QUERY_LIMIT_EXCEEDED', async (_name, second, authentication) => {
		const runs = await Promise.all([readMany(webhookCredentials(baseUrl), 'webhook'), readMany(second(), authentication)]);

		expect(runs.map((run) => run.error)).toEqual([undefined, undefined]);
		expect(runs.map((run) => run.items.length)).toEqual([READS, READS]);
		expect(sandbox.queryLimitRejections).toBe(0);
		expect(sandbox.requests.filter((request) => request.path.endsWith('/tasks.task.get'))).toHaveLength(2 * READS);
	});
});
