/**
 * Pyrus answers the node must handle: its error body, 429 with X-RateLimit-Reset, server
 * errors on reads and writes, and no secret in anything a failed run stores.
 */
import { API, SECRET_KEY, TOKEN, api, byId, lines, pyrusError, record, runPyrus, simpleTask, stored, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment();

describe('Pyrus errors', () => {
	it('a missing task: Pyrus\'s message and code, the status and a hint', async () => {
		const scope = api().get(`${API}/tasks/404`).reply(403, pyrusError('access_denied_task', 'Access to the task is denied.'));
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'get', taskId: byId('404') });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Pyrus: Access to the task is denied. (access_denied_task)',
			httpCode: '403',
			context: { itemIndex: 0 },
		});
		expect(String(result.error?.description)).toContain('The task does not exist or this login has no access to it.');
	});

	it('a 429 is retried after X-RateLimit-Reset, for a write too', async () => {
		const scope = api()
			.post(`${API}/tasks/5/comments`)
			.reply(429, pyrusError('too_many_requests', 'Too many requests'), { 'X-RateLimit-Reset': '3', 'X-RateLimit-Remaining': '0' })
			.post(`${API}/tasks/5/comments`)
			.reply(200, { task: simpleTask(5, { comments: [{ id: 1, text: 'x' }] }) });
		const log = record(scope);

		const result = await runPyrus({ resource: 'comment', operation: 'create', taskId: byId('5'), text: 'x' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/tasks/5/comments`, `POST ${API}/tasks/5/comments`]);
		expect(result.items[0].json).toEqual({ id: 1, text: 'x', task_id: 5 });
	});

	it('the last request of an interval (X-RateLimit-Remaining: 0) makes the next one wait for X-RateLimit-Reset', async () => {
		const arrivals: number[] = [];
		const scope = api()
			.get(`${API}/tasks/1`)
			.reply(() => {
				arrivals.push(Date.now());
				return [200, { task: simpleTask(1) }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '60' }];
			})
			.get(`${API}/tasks/2`)
			.reply(() => {
				arrivals.push(Date.now());
				return [200, { task: simpleTask(2) }, { 'X-RateLimit-Remaining': '4999', 'X-RateLimit-Reset': '600' }];
			});
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'get', taskId: byId('={{ $json.id }}') }, { input: [{ id: 1 }, { id: 2 }] });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual([1, 2]);
		// 60 s at the tests' time scale of 1000 is 60 ms.
		expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(55);
	});

	it('a server error on a read is retried', async () => {
		const scope = api()
			.get(`${API}/forms`)
			.reply(500, pyrusError('server_error', 'Server error'))
			.get(`${API}/forms`)
			.reply(200, { forms: [] });
		const log = record(scope);

		const result = await runPyrus({ resource: 'form', operation: 'getAll' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(result.items).toEqual([]);
	});

	it('a server error on a create is not repeated and says the outcome is unknown', async () => {
		const scope = api().post(`${API}/tasks`).reply(500, pyrusError('server_error', 'Server error'));
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'create', taskKind: 'simple', text: 'x' });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
		expect(String(result.error?.description)).toContain('This write was not sent again');
	});

	it('never stores the token or the security key, even when Pyrus echoes them', async () => {
		const scope = api()
			.get(`${API}/tasks/1`)
			.reply(400, pyrusError('invalid_value_format', `Bad token ${TOKEN} for key ${SECRET_KEY}`));
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'get', taskId: byId('1') });

		log.stop();
		expect(result.error?.message).toBe('Pyrus: Bad token *** for key *** (invalid_value_format)');
		expect(stored(result)).not.toContain(TOKEN);
		expect(stored(result)).not.toContain(SECRET_KEY);
	});
});
