/**
 * Errors from the API: MoySklad's `errors[]` message with its code, the status and a hint;
 * limit answers waited out as X-Lognex-Retry-After says; writes never sent twice; secrets
 * never stored with the execution.
 */
import { REQUESTS_FOR_A_REFUSED_TOKEN, type RunWorkflowResult } from '../harness';
import {
	API,
	BASIC,
	IDS,
	PASSWORD,
	TOKEN,
	basicCredentials,
	byId,
	lines,
	msError,
	msTask,
	ms,
	record,
	runMs,
	useMsEnvironment,
} from './fixtures';

useMsEnvironment();

const GET = { resource: 'task', operation: 'get', taskId: byId(IDS.task) };
const PATH = `${API}/entity/task/${IDS.task}`;

/** Everything n8n keeps of the run (the test's own credential map left out). */
function stored(result: RunWorkflowResult): string {
	return JSON.stringify({ ...result, credentials: undefined });
}

describe('answers of the API', () => {
	it('404: NodeApiError with MoySklad\'s message and code, the status and a hint; not retried', async () => {
		const scope = ms().get(PATH).reply(404, msError(`Объект с типом 'task' и UUID '${IDS.task}' не найден`, 1021));
		const log = record(scope);

		const result = await runMs(GET);

		log.stop();
		expect(lines(log)).toEqual([`GET ${PATH}`]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: `MoySklad: Объект с типом 'task' и UUID '${IDS.task}' не найден (code 1021)`,
			httpCode: '404',
			context: { itemIndex: 0 },
		});
		expect(result.error!.description).toContain('check the id');
		expect(result.error!.description).toContain(`GET /entity/task/${IDS.task} answered 404`);
	});

	it('a CRM-option error gets the tariff hint', async () => {
		ms().post(`${API}/entity/task`).reply(403, msError('Для работы с задачами необходима опция CRM', 37000));

		const result = await runMs(
			{ resource: 'task', operation: 'create', description: 'x', assignee: IDS.employee },
			{ continueOnFail: true },
		);

		expect(result.items[0].json).toMatchObject({
			error: 'MoySklad: Для работы с задачами необходима опция CRM (code 37000)',
			description: expect.stringContaining('lacks the CRM option'),
		});
	});

	it('415 with an empty body says what is missing', async () => {
		ms().get(PATH).reply(415, '');

		const result = await runMs(GET);

		expect(result.error).toMatchObject({ httpCode: '415', message: expect.stringContaining('Accept-Encoding: gzip') });
	});

	it('401: n8n re-authenticates and retries once, then the hint explains revoked tokens; the token is not stored', async () => {
		const scope = ms()
			.get(PATH)
			.times(REQUESTS_FOR_A_REFUSED_TOKEN)
			.reply(401, msError('Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации', 1056));
		const log = record(scope);

		const result = await runMs(GET);

		log.stop();
		expect(log.requests).toHaveLength(REQUESTS_FOR_A_REFUSED_TOKEN);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(result.error!.description).toContain('revoked');
		expect(stored(result)).not.toContain(TOKEN);
	});

	it('login and password never reach the stored run, even when the server echoes them', async () => {
		ms().get(PATH).reply(400, msError(`Bad header Authorization: ${BASIC} for ${PASSWORD}`, 1062));

		const result = await runMs(GET, { credentials: basicCredentials() });

		expect(result.error).toMatchObject({ httpCode: '400' });
		const all = stored(result);
		expect(all).not.toContain(PASSWORD);
		expect(all).not.toContain(BASIC.slice('Basic '.length));
	});
});

describe('limits and retries', () => {
	it('on 429 waits as X-Lognex-Retry-After says, then sends the read again', async () => {
		const scope = ms()
			.get(PATH)
			.reply(429, msError('Превышено ограничение на количество запросов в единицу времени', 1049), {
				'X-Lognex-Retry-After': '1500',
				'X-RateLimit-Remaining': '0',
			})
			.get(PATH)
			.reply(200, msTask());
		const log = record(scope);

		const result = await runMs(GET);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(result.items[0].json.id).toBe(IDS.task);
	});

	it('a 429 on a bulk POST is retried too: the request was refused, not processed', async () => {
		const scope = ms()
			.post(`${API}/entity/task`)
			.reply(429, msError('Превышено ограничение на количество параллельных запросов', 1073))
			.post(`${API}/entity/task`)
			.reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'create', description: 'x', assignee: IDS.employee });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(log.requests[1].body).toEqual(log.requests[0].body);
	});

	it('a read that meets 5xx is retried; the answer comes through', async () => {
		const scope = ms().get(PATH).reply(503, msError('Сервис временно недоступен', 1074)).get(PATH).reply(200, msTask());
		const log = record(scope);

		const result = await runMs(GET);

		log.stop();
		expect(log.requests).toHaveLength(2);
		expect(result.items[0].json.id).toBe(IDS.task);
	});

	it('a dropped connection during a create is not sent again: the outcome is unknown', async () => {
		const scope = ms().post(`${API}/entity/task`).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'create', description: 'x', assignee: IDS.employee });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ message: 'MoySklad: the outcome of this write is unknown' });
	});
});
