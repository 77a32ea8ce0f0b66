/**
 * The throttle against the loopback sandbox enforcing Bitrix24's leaky bucket (50 requests
 * burst, draining 2 per second): real HTTP through n8n's engine, sandbox and helper on the
 * same faster time scale. Assertions are counts, never durations.
 */
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runWorkflow, setupNock } from '../harness';
import { Bitrix24Sandbox } from '../sandbox/bitrix24';
import { NODE_TYPE, credentialTypes, hook, nodeTypes, webhookCredentials } from './fixtures';

const SCALE = 50;

setupNock({ allowLocalhost: true });

const sandbox = new Bitrix24Sandbox({ timeScale: SCALE });
let baseUrl = '';

beforeAll(async () => {
	baseUrl = await sandbox.start();
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

describe('Bitrix24 leaky bucket', () => {
	it('a burst of 200 reads draws no QUERY_LIMIT_EXCEEDED', async () => {
		for (let n = 0; n < 200; n++) sandbox.addTask({});

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: webhookCredentials(baseUrl),
			node: { type: NODE_TYPE, parameters: { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } } },
			input: Array.from({ length: 200 }, (_, n) => ({ id: n + 1 })),
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.queryLimitRejections).toBe(0);
		expect(sandbox.requests.filter((request) => request.path === hook('tasks.task.get'))).toHaveLength(200);
		expect(result.items.map((item) => item.json.id)).toEqual(Array.from({ length: 200 }, (_, n) => String(n + 1)));
	});
});
