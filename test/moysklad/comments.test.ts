/** MoySklad task comments (notes): every operation through n8n-core's engine. */
import { API, BEARER, IDS, byId, lines, msList, ms, record, runMs, useMsEnvironment, BASE } from './fixtures';

useMsEnvironment();

const NOTES = `${API}/entity/task/${IDS.task}/notes`;
const MENTION = `Hi, {{employee;${IDS.employee}}}! Still relevant?`;

function note(id = IDS.note, text = 'текст комментария 1') {
	return {
		meta: { href: `${BASE}/entity/task/${IDS.task}/notes/${id}`, type: 'tasknote', mediaType: 'application/json' },
		id,
		author: { meta: { href: `${BASE}/entity/employee/${IDS.employee}`, type: 'employee', mediaType: 'application/json' } },
		text,
		moment: '2018-07-19 22:10:01',
	};
}

describe('comments', () => {
	it('creates a comment, passing a mention through, and returns the note from the answer array', async () => {
		const scope = ms().post(NOTES).reply(200, [note(IDS.note, MENTION)]);
		const log = record(scope);

		const result = await runMs({ resource: 'comment', operation: 'create', taskId: byId(IDS.task), text: MENTION });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({ method: 'POST', path: NOTES, body: { text: MENTION } });
		expect(log.requests[0].headers).toMatchObject({ authorization: BEARER, 'accept-encoding': 'gzip' });
		expect(result.items).toEqual([{ json: note(IDS.note, MENTION), pairedItem: { item: 0 } }]);
	});

	it('gets many comments, 100 a page at most', async () => {
		const rows = Array.from({ length: 3 }, (_, n) => note(`55eaa2cc-8b87-11e8-d9ce-84d90000002${n}`));
		const scope = ms().get(NOTES).query({ limit: '100', offset: '0' }).reply(200, msList(rows, { limit: 100, path: `entity/task/${IDS.task}/notes` }));
		const log = record(scope);

		const result = await runMs({ resource: 'comment', operation: 'getAll', taskId: byId(IDS.task), returnAll: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${NOTES}`]);
		expect(result.items.map((item) => item.json.id)).toEqual(rows.map((row) => row.id));
	});

	it('gets, updates and deletes one comment', async () => {
		const one = `${NOTES}/${IDS.note}`;
		const scope = ms()
			.get(one)
			.reply(200, note())
			.put(one)
			.reply(200, note(IDS.note, 'новый текст'))
			.delete(one)
			.reply(200);
		const log = record(scope);
		const base = { resource: 'comment', taskId: byId(IDS.task), commentId: IDS.note };

		const got = await runMs({ ...base, operation: 'get' });
		const updated = await runMs({ ...base, operation: 'update', text: 'новый текст' });
		const deleted = await runMs({ ...base, operation: 'delete' });

		log.stop();
		expect(lines(log)).toEqual([`GET ${one}`, `PUT ${one}`, `DELETE ${one}`]);
		expect(log.requests[1].body).toEqual({ text: 'новый текст' });
		expect(got.items).toEqual([{ json: note(), pairedItem: { item: 0 } }]);
		expect(updated.items[0].json.text).toBe('новый текст');
		expect(deleted.items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
	});
});
