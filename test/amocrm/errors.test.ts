/**
 * Errors from the API: amoCRM's own message, the status, a hint; writes never sent twice;
 * the token never stored with the execution.
 */
import { REQUESTS_FOR_A_REFUSED_TOKEN, type RunWorkflowResult } from '../harness';
import { ALL_BUT_DATE } from '../harness/clocks';
import {
	API,
	PROBLEM_JSON,
	TOKEN,
	amo,
	amoTask,
	halList,
	lines,
	record,
	runAmo,
	useAmoEnvironment,
	validationErrors,
} from './fixtures';

useAmoEnvironment();

const GET_TASK_5 = { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '5' } };
const CREATE = { resource: 'task', operation: 'create', text: 'Call the client', completeTill: '2026-03-01T15:30:00Z' };
const CREATE_BODY = [{ text: 'Call the client', complete_till: 1772379000, request_id: '1' }];

/** Everything n8n keeps of the run (the test's own credential map left out). */
function stored(result: RunWorkflowResult): string {
	return JSON.stringify({ ...result, credentials: undefined });
}

describe('answers of the API', () => {
	it('404 on get: NodeApiError with amoCRM\'s title and detail, the status and a hint; not retried', async () => {
		const scope = amo()
			.get(`${API}/tasks/5`)
			.reply(
				404,
				{ title: 'Not Found', type: 'https://httpstatus.es/404', status: 404, detail: 'Task not found' },
				{ ...PROBLEM_JSON, 'X-Request-Id': 'req-404-a' },
			);
		const log = record(scope);

		const result = await runAmo(GET_TASK_5);

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`]);
		expect(log.unmatched).toEqual([]);
		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'amoCRM: Not Found: Task not found',
			httpCode: '404',
			context: { itemIndex: 0 },
		});
		expect(result.error!.description).toContain('check the id and the account domain');
		expect(result.error!.description).toContain('GET /api/v4/tasks/5 answered 404 (request id req-404-a)');
	});

	it('204 on get: the task was not found', async () => {
		amo().get(`${API}/tasks/5`).reply(204);

		const result = await runAmo(GET_TASK_5);

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'amoCRM: task 5 was not found' });
	});

	it('404 with Continue On Fail: an error item with the hint, paired with its item', async () => {
		amo().get(`${API}/tasks/5`).reply(404, { title: 'Not Found', status: 404, detail: 'Task not found' }, PROBLEM_JSON);

		const result = await runAmo(GET_TASK_5, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					error: 'amoCRM: Not Found: Task not found',
					description: expect.stringContaining('check the id'),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('500 on a create POST: one POST only, and the error says it was not sent again', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(500, { title: 'Internal Server Error', status: 500, detail: 'Something went wrong' }, PROBLEM_JSON);
		const log = record(scope);

		const result = await runAmo(CREATE);

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(log.requests[0].body).toEqual(CREATE_BODY);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'amoCRM: Internal Server Error: Something went wrong',
			httpCode: '500',
		});
		expect(result.error!.description).toContain('This write was not sent again');
		expect(result.error!.description).toContain('POST /api/v4/tasks answered 500');
	});

	it('a connection reset after a create POST was sent: outcome unknown, not sent again', async () => {
		const scope = amo().post(`${API}/tasks`).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const log = record(scope);

		const result = await runAmo(CREATE);

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'amoCRM: the outcome of this write is unknown',
		});
		expect(result.error!.description).toContain('It was not sent again');
	});

	it('500 on a read is retried, and the retry\'s answer is used', async () => {
		const scope = amo()
			.get(`${API}/tasks/5`)
			.reply(502, '<html><body>Bad Gateway</body></html>', { 'Content-Type': 'text/html' })
			.get(`${API}/tasks/5`)
			.reply(200, amoTask(5));
		const log = record(scope);

		const result = await runAmo(GET_TASK_5);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`, `GET ${API}/tasks/5`]);
		expect(result.items).toEqual([{ json: amoTask(5), pairedItem: { item: 0 } }]);
	});

	it('429 on a create POST is sent again after Retry-After (the request was refused, not processed)', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(429, 'Too Many Requests', { 'Retry-After': '2' })
			.post(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 77, request_id: '1' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(77)]));
		const log = record(scope);

		const result = await runAmo(CREATE);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `POST ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[1].body).toEqual(CREATE_BODY);
		expect(result.items).toEqual([{ json: amoTask(77), pairedItem: { item: 0 } }]);
	});

	it('429 with Retry-After as an HTTP date waits until that date on the server\'s clock, whatever n8n\'s clock says', async () => {
		// The server's clock and its answer: retry 2 s after it. n8n's own clock runs five
		// minutes behind (an NTP correction set it back).
		const serverNow = Math.floor(Date.now() / 1000) * 1000;
		const httpDate = (ms: number) => new Date(ms).toUTCString();
		const scope = amo()
			.get(`${API}/tasks/5`)
			.reply(429, 'Too Many Requests', { Date: httpDate(serverNow), 'Retry-After': httpDate(serverNow + 2000) })
			.get(`${API}/tasks/5`)
			.reply(200, amoTask(5), { Date: httpDate(serverNow + 2000) });
		const log = record(scope);
		jest.useFakeTimers({ doNotFake: ALL_BUT_DATE, advanceTimers: true });
		jest.setSystemTime(serverNow - 5 * 60_000);
		let result: RunWorkflowResult;
		try {
			result = await runAmo(GET_TASK_5);
		} finally {
			jest.useRealTimers();
		}

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`, `GET ${API}/tasks/5`]);
	});

	it('an HTML 403 (account blocked) stops at once with a clear message', async () => {
		const scope = amo()
			.get(`${API}/tasks/5`)
			.reply(403, '<html><head><title>403 Forbidden</title></head><body>nginx</body></html>', {
				'Content-Type': 'text/html',
			});
		const log = record(scope);

		const result = await runAmo(GET_TASK_5);

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`]);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '403' });
		expect(result.error!.message).toContain('API access is blocked');
		expect(result.error!.message).toContain('Contact amoCRM support');
	});

	it('a JSON 403 (no rights) carries the rights hint', async () => {
		amo()
			.get(`${API}/tasks/5`)
			.reply(403, { title: 'Forbidden', status: 403, detail: 'Access denied' }, PROBLEM_JSON);

		const result = await runAmo(GET_TASK_5);

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '403', message: 'amoCRM: Forbidden: Access denied' });
		expect(result.error!.description).toContain('lacks the rights');
	});

	it('a 400 on a single create names the field and amoCRM\'s detail', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(400, validationErrors([{ requestId: '1', path: 'responsible_user_id', detail: 'User not found' }]), PROBLEM_JSON);
		const log = record(scope);

		const result = await runAmo(CREATE);

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			message: 'amoCRM rejected this task: responsible_user_id: User not found',
			context: { itemIndex: 0 },
		});
	});

	it('401 for a long-lived token: n8n tries once more, then the error says what to do', async () => {
		const scope = amo()
			.get(`${API}/tasks/5`)
			.times(REQUESTS_FOR_A_REFUSED_TOKEN)
			.reply(
				401,
				{
					title: 'Unauthorized',
					type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
					status: 401,
					detail: 'Invalid token',
					hint: 'Token has been revoked',
				},
				PROBLEM_JSON,
			);
		const log = record(scope);

		const result = await runAmo(GET_TASK_5);

		log.stop();
		expect(lines(log)).toEqual(Array(REQUESTS_FOR_A_REFUSED_TOKEN).fill(`GET ${API}/tasks/5`));
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '401',
			message: 'amoCRM: Unauthorized: Invalid token',
		});
		expect(result.error!.description).toContain('Token has been revoked');
		expect(result.error!.description).toContain('generate a new long-lived token');
	});
});

describe('the token never reaches what n8n stores', () => {
	it.each([
		['a 401 whose body echoes the token', 401, { title: 'Unauthorized', status: 401, detail: `Token ${TOKEN} is expired` }, REQUESTS_FOR_A_REFUSED_TOKEN],
		['a 404 whose detail echoes the Authorization header', 404, { title: 'Not Found', status: 404, detail: `Authorization: Bearer ${TOKEN}` }, 1],
		['a 400 plain-text body with the token', 400, `bad token ${TOKEN}`, 1],
	])('%s', async (_name, status, body, requests) => {
		const scope = amo()
			.get(`${API}/tasks/5`)
			.times(requests)
			.reply(status, body as never, typeof body === 'string' ? { 'Content-Type': 'text/plain' } : PROBLEM_JSON);
		const log = record(scope);

		const result = await runAmo(GET_TASK_5);

		log.stop();
		expect(log.requests).toHaveLength(requests);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: String(status) });
		expect(`${result.error!.message}\n${result.error!.description ?? ''}`).toContain('***');
		expect(stored(result)).not.toContain(TOKEN);
		expect(stored(result)).not.toContain(encodeURIComponent(TOKEN));
	});

	it('with Continue On Fail the error item holds no token either', async () => {
		amo()
			.post(`${API}/tasks`)
			.reply(500, { title: 'Internal Server Error', status: 500, detail: `failed for ${TOKEN}` }, PROBLEM_JSON);

		const result = await runAmo(CREATE, { continueOnFail: true });

		expect(result.items).toEqual([
			{
				json: { error: 'amoCRM: Internal Server Error: failed for ***', description: expect.stringContaining('not sent again') },
				pairedItem: { item: 0 },
			},
		]);
		expect(stored(result)).not.toContain(TOKEN);
	});
});
