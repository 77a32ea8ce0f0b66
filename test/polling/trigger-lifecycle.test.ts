/**
 * What a new user meets in the first days of an active trigger, for each of the four vendors,
 * through n8n-core's poll context against the vendor's loopback sandbox (frozen clock, moved by
 * each test): the activation poll (its state kept, as n8n 1.x and 2.x without durable poll
 * cursors do, or discarded, as 2.x with durable cursors does), completions reopened and
 * completed again, completions from before the activation, a long memory of completions,
 * n8n's own clock stepping back, the sample of a manual run, and an upgrade from the state the
 * previous version wrote.
 */
import type { IDataObject } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { itWhereEngineHas, runPoll, setupNock } from '../harness';
import { ALL_BUT_DATE } from '../harness/clocks';
import type { SandboxServer } from '../sandbox/framework';
import {
	amoCrmTrigger,
	bitrix24Trigger,
	moySkladTrigger,
	pyrusTrigger,
	type Change,
	type TriggerEvent,
	type TriggerVendor,
} from '../reliability/trigger-vendors';

setupNock({ allowLocalhost: true });

/** The vendors whose tasks carry the time they were completed. */
const WITH_COMPLETION_TIME = new Set(['MoySklad', 'Pyrus', 'Bitrix24']);

describe.each([amoCrmTrigger, moySkladTrigger, pyrusTrigger, bitrix24Trigger] as Array<TriggerVendor<SandboxServer>>)(
	'$vendor.displayName trigger',
	(tv) => {
		const name = tv.vendor.displayName;
		const completionTime = WITH_COMPLETION_TIME.has(name);
		let sandbox: SandboxServer;
		let t0: number;
		let marker = 0;
		const next = () => `m${++marker}`;

		beforeAll(async () => {
			sandbox = tv.vendor.createSandbox({ timeScale: 1000, rateLimit: false });
			await sandbox.start();
			tv.vendor.prepare(sandbox);
			setTimeScale(1000);
		});

		afterAll(async () => {
			setTimeScale(1);
			await sandbox.stop();
		});

		beforeEach(() => {
			resetProcessState();
			tv.vendor.clearTasks(sandbox);
			sandbox.clearLog();
			t0 = Math.floor(Date.now() / 1000) * 1000;
			sandbox.clock.freeze(t0);
		});

		afterEach(() => {
			jest.useRealTimers();
			sandbox.clock.unfreeze();
		});

		/** Moves the sandbox's frozen clock to t0 + seconds. */
		const at = (seconds: number) => sandbox.clock.freeze(t0 + seconds * 1000);

		/** One trigger of the event, its static data carried from poll to poll. */
		function trigger(event: TriggerEvent) {
			let staticData: IDataObject = {};
			const poll = async (options: { activation?: 'kept' | 'discarded'; manual?: boolean } = {}): Promise<Change[]> => {
				const result = await runPoll({
					nodeTypes: tv.vendor.nodeTypes,
					credentialTypes: tv.vendor.credentialTypes,
					credentials: tv.vendor.credentials(sandbox),
					node: { type: tv.vendor.triggerType, parameters: tv.parameters(event) },
					staticData,
					timezone: 'Europe/Moscow',
					mode: options.manual ? 'manual' : 'trigger',
					activationPoll: options.activation,
				});
				expect(result.error).toBeUndefined();
				staticData = result.staticData;
				return (result.items?.[0] ?? []).map((item) => tv.emitted(item.json));
			};
			return { poll, state: () => staticData };
		}

		/** A change of the kind the event reports, to a task made earlier (or a new task). */
		function changeFor(event: TriggerEvent, id: string): Change {
			if (event === 'taskCreated') return tv.create(sandbox, next());
			if (event === 'taskUpdated') return tv.update(sandbox, id, next());
			return tv.complete(sandbox, id, next());
		}

		describe('the first minute after activation', () => {
			it.each(['taskCreated', 'taskUpdated', 'taskCompleted'] as TriggerEvent[])(
				'%s: a change made while the activation poll runs fires once, on the next poll',
				async (event) => {
					at(-300);
					const task = tv.create(sandbox, next());
					at(0);
					const { poll } = trigger(event);
					// The user changes a task the moment the workflow is activated: while its poll reads.
					let change: Change | undefined;
					sandbox.use(() => {
						change ??= changeFor(event, task.id);
						return undefined;
					}, 'first');
					expect(await poll({ activation: 'kept' })).toEqual([]);
					expect(change).toBeDefined();
					at(30);
					expect((await poll()).map((c) => c.id)).toEqual([change!.id]);
					at(90);
					expect(await poll()).toEqual([]);
				},
			);

			// Only n8n 2.x with durable poll cursors discards it (n8n 1.x keeps it: the test above).
			itWhereEngineHas('stagedPollCursor').each(['taskCreated', 'taskUpdated', 'taskCompleted'] as TriggerEvent[])(
				'%s: where n8n discards the activation poll\'s state, a change 10 s after activation still fires once',
				async (event) => {
					at(-300);
					const task = tv.create(sandbox, next());
					at(0);
					const { poll } = trigger(event);
					expect(await poll({ activation: 'discarded' })).toEqual([]);
					at(10);
					const change = changeFor(event, task.id);
					const emitted: Change[] = [];
					for (const second of [60, 120, 180]) {
						at(second);
						emitted.push(...(await poll()));
					}
					expect(emitted.map((c) => c.id)).toEqual([change.id]);
				},
			);

			const doesNotReplayTheBacklog = async (activation: 'kept' | 'discarded') => {
				at(-600);
				const old = tv.create(sandbox, next());
				const older = tv.create(sandbox, next());
				tv.complete(sandbox, older.id, next());
				at(-20);
				tv.update(sandbox, old.id, next());
				tv.complete(sandbox, old.id, next());
				tv.create(sandbox, next());
				at(-10);
				const recent = tv.create(sandbox, next());
				tv.complete(sandbox, recent.id, next());
				at(0);
				const triggers = (['taskCreated', 'taskUpdated', 'taskCompleted'] as TriggerEvent[]).map(trigger);
				for (const { poll } of triggers) expect(await poll({ activation })).toEqual([]);
				for (const second of [60, 120]) {
					at(second);
					for (const { poll } of triggers) expect(await poll()).toEqual([]);
				}
			};
			it('does not replay the backlog (activation poll state kept)', async () => await doesNotReplayTheBacklog('kept'));
			itWhereEngineHas('stagedPollCursor')(
				'does not replay the backlog (activation poll state discarded)',
				async () => await doesNotReplayTheBacklog('discarded'),
			);
		});

		it(
			completionTime
				? 'fires "completed" once per completion: completed, reopened and completed again between two polls'
				: 'cannot see a task completed, reopened and completed again between two polls (no completion time)',
			async () => {
				at(-300);
				const task = tv.create(sandbox, next());
				at(0);
				const { poll } = trigger('taskCompleted');
				await poll({ activation: 'kept' });
				at(5);
				tv.complete(sandbox, task.id, next());
				at(6);
				expect((await poll()).map((c) => c.id)).toEqual([task.id]);
				at(10);
				tv.reopen(sandbox, task.id, next());
				at(12);
				const again = tv.complete(sandbox, task.id, next());
				at(15);
				expect(await poll()).toEqual(completionTime ? [again] : []);
				at(80);
				expect(await poll()).toEqual([]);
			},
		);

		it(
			completionTime
				? 'does not fire "completed" for a task completed before activation and edited later'
				: 'fires "completed" once for a task completed before activation and edited later (no completion time)',
			async () => {
				at(-900);
				const early = tv.create(sandbox, next());
				tv.complete(sandbox, early.id, next());
				at(-30);
				const recent = tv.create(sandbox, next());
				tv.complete(sandbox, recent.id, next());
				at(0);
				const { poll } = trigger('taskCompleted');
				await poll({ activation: 'kept' });
				at(20);
				const edit = tv.update(sandbox, early.id, next());
				tv.update(sandbox, recent.id, next());
				at(25);
				expect(await poll()).toEqual(completionTime ? [] : [edit]);
				at(200);
				tv.update(sandbox, early.id, next());
				at(205);
				expect(await poll()).toEqual([]);
			},
		);

		it('remembers a completion however many others follow it, in a state bounded by age', async () => {
			at(-300);
			const first = tv.create(sandbox, next());
			const many = Array.from({ length: 10_000 }, () => tv.create(sandbox, next()).id);
			at(0);
			const { poll, state } = trigger('taskCompleted');
			await poll({ activation: 'kept' });
			at(5);
			tv.complete(sandbox, first.id, next());
			at(6);
			expect((await poll()).map((c) => c.id)).toEqual([first.id]);
			at(10);
			for (const id of many) tv.complete(sandbox, id, next());
			at(11);
			const later = await poll();
			expect(later).toHaveLength(10_000);
			expect(new Set(later.map((c) => c.id))).toEqual(new Set(many));
			at(20);
			tv.update(sandbox, first.id, next());
			at(21);
			expect(await poll()).toEqual([]);

			// What the state keeps: completions within the overlap window where the vendor has a
			// completion time, completed tasks changed in the last 30 days where it has none.
			const kept = () => JSON.stringify(state()).length;
			at(300);
			expect(await poll()).toEqual([]);
			if (completionTime) {
				expect(kept()).toBeLessThan(2_000);
			} else {
				expect(kept()).toBeGreaterThan(10_000 * 10);
				at(31 * 86_400);
				expect(await poll()).toEqual([]);
				expect(kept()).toBeLessThan(2_000);
			}
		}, 120_000);

		it('goes on after n8n\'s clock steps back by minutes: reads at once, emits the change', async () => {
			at(-300);
			const task = tv.create(sandbox, next());
			at(0);
			const { poll } = trigger('taskUpdated');
			await poll({ activation: 'kept' });
			at(5);
			expect(await poll()).toEqual([]);
			// An NTP correction (or a VM resumed) sets n8n's clock five minutes back.
			jest.useFakeTimers({ doNotFake: ALL_BUT_DATE, advanceTimers: true });
			jest.setSystemTime(Date.now() - 5 * 60_000);
			at(10);
			const change = tv.update(sandbox, task.id, next());
			at(11);
			expect(await poll()).toEqual([change]);
			at(12);
			expect(await poll()).toEqual([]);
		});

		it('shows the most recently completed task in a manual run of Task Completed', async () => {
			at(-300);
			const newer = tv.create(sandbox, next());
			const older = tv.create(sandbox, next());
			at(-200);
			tv.complete(sandbox, older.id, next());
			at(-100);
			tv.complete(sandbox, newer.id, next());
			if (completionTime) {
				// A later edit of the task completed first: the sample goes by completion time.
				at(-50);
				tv.update(sandbox, older.id, next());
			}
			at(0);
			const { poll } = trigger('taskCompleted');
			expect((await poll({ manual: true })).map((c) => c.id)).toEqual([newer.id]);
		});

		it('upgrades the state the previous version wrote without repeating or losing an event', async () => {
			at(-300);
			const done = tv.create(sandbox, next());
			const edited = tv.create(sandbox, next());
			const open = tv.create(sandbox, next());
			at(0);
			const completed = trigger('taskCompleted');
			const updated = trigger('taskUpdated');
			await completed.poll({ activation: 'kept' });
			await updated.poll({ activation: 'kept' });
			at(5);
			tv.complete(sandbox, done.id, next());
			tv.update(sandbox, edited.id, next());
			at(6);
			expect((await completed.poll()).map((c) => c.id)).toEqual([done.id]);
			expect((await updated.poll()).map((c) => c.id).sort()).toEqual([done.id, edited.id].sort());

			// The package is upgraded while the trigger is active: the node keeps the previous
			// version's state (its cursor, its seen keys, completions remembered by id).
			const downgrade = (staticData: IDataObject, completedIds: string[]) => {
				const node = staticData['node:Node'] as { poll: IDataObject };
				const { cursorMs, createdFloorMs, completePolls, seen } = node.poll as Record<string, unknown>;
				const oldSeen = Object.fromEntries(Object.entries(seen as Record<string, number>).filter(([key]) => !key.startsWith('d:')));
				return { ...staticData, 'node:Node': { poll: { version: 2, cursorMs, createdFloorMs, completePolls, seen: oldSeen, completedIds } } };
			};
			const upgraded = async (staticData: IDataObject, event: TriggerEvent) =>
				(
					await runPoll({
						nodeTypes: tv.vendor.nodeTypes,
						credentialTypes: tv.vendor.credentialTypes,
						credentials: tv.vendor.credentials(sandbox),
						node: { type: tv.vendor.triggerType, parameters: tv.parameters(event) },
						staticData,
						timezone: 'Europe/Moscow',
					})
				).items?.[0].map((item) => tv.emitted(item.json)) ?? [];
			at(20);
			const closed = tv.complete(sandbox, open.id, next());
			at(21);
			expect(await upgraded(downgrade(completed.state(), [done.id]), 'taskCompleted')).toEqual([closed]);
			expect((await upgraded(downgrade(updated.state(), []), 'taskUpdated')).map((c) => c.id)).toEqual([open.id]);
		});
	},
);
