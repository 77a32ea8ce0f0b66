/**
 * Every change emitted exactly once by the trigger under a seeded stream of bursts, changes
 * while paging, clock skew, n8n's clock stepping back, completions reopened and completed again
 * and completions from long before the activation (test/reliability/trigger-vendors.ts says how);
 * and the list source when more of a list's tasks change within one second than a page holds.
 */
import type { IDataObject } from 'n8n-workflow';

import { PYRUS_LIST_PAGE } from '../../nodes/Pyrus/api';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runPoll, setupNock } from '../harness';
import { itEmitsEveryChangeOnce, pyrusTrigger } from './trigger-vendors';

setupNock({ allowLocalhost: true });

itEmitsEveryChangeOnce(pyrusTrigger, {
	seed: 7003,
	steps: 110,
	changesPerStep: [5, 30],
	createShare: 0.3,
	massBurstSteps: [20, 55, 90],
	massExtra: 40,
	pagingChangeChance: 0.5,
	maxSkewMs: 5000,
	oldBacklog: 30,
	clockStepBackSteps: [35, 75],
});

it('Pyrus trigger on a list: more changes in one second than a page holds, each emitted once', async () => {
	const vendor = pyrusTrigger.vendor;
	const sandbox = vendor.createSandbox({ timeScale: 1000, rateLimit: false });
	await sandbox.start();
	setTimeScale(1000);
	resetProcessState();
	try {
		sandbox.addList({ id: 501, name: 'Projects' });
		const credentials = vendor.credentials(sandbox);
		const t0 = Math.floor(Date.now() / 1000) * 1000;
		const at = (seconds: number) => sandbox.clock.freeze(t0 + seconds * 1000);
		const trigger = (event: string) => {
			let staticData: IDataObject = {};
			return async () => {
				const result = await runPoll({
					nodeTypes: vendor.nodeTypes,
					credentialTypes: vendor.credentialTypes,
					credentials,
					node: { type: vendor.triggerType, parameters: { event, source: 'list', listId: '501', simplify: false } },
					staticData,
				});
				expect(result.error).toBeUndefined();
				staticData = result.staticData;
				return (result.items?.[0] ?? []).map((item) => String(item.json.id));
			};
		};
		const created = trigger('taskCreated');
		const completed = trigger('taskCompleted');
		at(0);
		expect(await created()).toEqual([]);
		expect(await completed()).toEqual([]);

		// An import: 240 tasks land in the list within one second.
		at(5);
		const tasks = Array.from({ length: PYRUS_LIST_PAGE + 40 }, (_, n) => sandbox.addTask({ text: `Imported ${n}`, list_ids: [501] }));
		at(6);
		const first = await created();
		expect(first).toHaveLength(tasks.length);
		expect(new Set(first)).toEqual(new Set(tasks.map((task) => String(task.id))));
		// The second that held more than a page was read whole, in one more request.
		const reads = sandbox.requests.filter((r) => r.path === '/api/v4/lists/501/tasks');
		expect(reads.some((r) => Number(r.query.item_count) > PYRUS_LIST_PAGE)).toBe(true);
		at(7);
		expect(await created()).toEqual([]);

		// A bulk close: 230 of them closed within one second.
		at(9);
		for (const task of tasks.slice(0, 230)) sandbox.addComment(task, { action: 'finished' });
		at(10);
		const closed = await completed();
		expect(closed).toHaveLength(230);
		expect(new Set(closed)).toEqual(new Set(tasks.slice(0, 230).map((task) => String(task.id))));
		at(11);
		expect(await completed()).toEqual([]);
	} finally {
		sandbox.clock.unfreeze();
		resetProcessState();
		setTimeScale(1);
		await sandbox.stop();
	}
});
