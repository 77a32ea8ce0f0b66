/** MoySklad task types (task states): every operation, with the colour converted both ways. */
import { API, IDS, lines, ms, msMetadata, msState as state, record, runMs, stateRef, useMsEnvironment } from './fixtures';

useMsEnvironment();

const STATES = `${API}/entity/task/metadata/states`;

describe('task types', () => {
	it('lists the types from the task metadata, each colour also as #RRGGBB', async () => {
		const scope = ms()
			.get(`${API}/entity/task/metadata`)
			.reply(200, msMetadata([state(IDS.state, 'Встреча', 15106326), state(IDS.state2, 'Связаться', 10667543)]));
		const log = record(scope);

		const result = await runMs({ resource: 'taskType', operation: 'getAll' });

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/entity/task/metadata`]);
		expect(result.items).toEqual([
			{ json: { ...state(IDS.state, 'Встреча', 15106326), colorHex: '#E68116' }, pairedItem: { item: 0 } },
			// rgb(162,198,23), the vendor's own example.
			{ json: { ...state(IDS.state2, 'Связаться', 10667543), colorHex: '#A2C617' }, pairedItem: { item: 0 } },
		]);
	});

	it.each([
		['#A2C617', 10667543],
		['#0f0', 0x00ff00],
		['69446', 69446],
	])('creates a type with colour %s sent as %d (one bulk array for all items)', async (color, integer) => {
		const scope = ms().post(STATES).reply(200, [state(IDS.state, 'Встреча', integer)]);
		const log = record(scope);

		const result = await runMs({ resource: 'taskType', operation: 'create', name: 'Встреча', color });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual([{ name: 'Встреча', color: integer }]);
		expect(result.items[0].json).toMatchObject({ id: IDS.state, color: integer });
	});

	it('updates (bulk array, the type named by its meta) and deletes a type', async () => {
		const one = `${STATES}/${IDS.state}`;
		const scope = ms().post(STATES).reply(200, [state(IDS.state, 'Встреча', 255)]).delete(one).reply(200);
		const log = record(scope);

		const updated = await runMs({ resource: 'taskType', operation: 'update', taskTypeId: IDS.state, updateFields: { color: '#0000FF' } });
		const deleted = await runMs({ resource: 'taskType', operation: 'delete', taskTypeId: IDS.state });

		log.stop();
		expect(lines(log)).toEqual([`POST ${STATES}`, `DELETE ${one}`]);
		expect(log.requests[0].body).toEqual([{ ...stateRef(IDS.state), color: 255 }]);
		expect(updated.items).toEqual([{ json: { ...state(IDS.state, 'Встреча', 255), colorHex: '#0000FF' }, pairedItem: { item: 0 } }]);
		expect(deleted.items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
	});
});
