/**
 * MoySklad: sandbox test/sandbox/moysklad.ts with its demo account (plus a few overdue tasks),
 * reached through the access-token credential with its API URL pointing at the sandbox.
 */
import { MoySkladSandbox, seedDemo, type MsTask } from '../../../test/sandbox/moysklad';
import { nodeOutput } from '../lib/client';
import type { TaskLine, VendorEntry } from './types';

const TOKEN = 'sandbox-token';
const DAY_MS = 86_400_000;

function tasks(sandbox: MoySkladSandbox): MsTask[] {
	return [...sandbox.store.tasks.values()];
}

function taskOf(sandbox: MoySkladSandbox, id: string): MsTask {
	const task = sandbox.store.tasks.get(id);
	if (!task) throw new Error(`MoySklad sandbox: no task ${id}`);
	return task;
}

function line(task: MsTask): TaskLine {
	return { id: task.id, title: task.description.split('\n')[0], status: task.done ? 'completed' : 'open' };
}

export const moysklad: VendorEntry<MoySkladSandbox> = {
	id: 'moysklad',
	title: 'MoySklad',
	credentialType: 'moySkladApi',
	search: 'MoySklad',
	nodeNames: { action: 'MoySklad', trigger: 'MoySklad Trigger' },

	createSandbox: () => new MoySkladSandbox({ tokens: [TOKEN] }),
	seedDemo(sandbox) {
		const { employees } = seedDemo(sandbox, { tasks: 30 });
		// The demo's due dates all lie ahead: add a few that have passed, for the overdue report.
		const now = sandbox.clock.now();
		for (const [i, days] of [3, 1].entries()) {
			sandbox.addTask({
				description: `Overdue demo task ${i + 1}\nSend the signed contract back`,
				assignee: employees[i].id,
				created: now - (days + 7) * DAY_MS,
				dueToDate: now - days * DAY_MS,
			});
		}
	},
	// The sandbox's own user is an employee of the store, made with a random id.
	stateKeys: ['store', 'currentUserId'],
	credentialData: (sandbox) => ({ authType: 'token', accessToken: TOKEN, baseUrl: `${sandbox.baseUrl}/api/remap/1.2` }),

	commands: {
		list: (sandbox) =>
			tasks(sandbox)
				.filter((t) => !t.done)
				.sort((a, b) => b.created - a.created)
				.map(line),
		create: (sandbox, title) => line(sandbox.addTask({ description: title })),
		update(sandbox, id, title) {
			// The title is the description's first line: keep the rest.
			const [, ...rest] = taskOf(sandbox, id).description.split('\n');
			return line(sandbox.changeTask(id, { description: [title, ...rest].join('\n') }));
		},
		complete: (sandbox, id) => line(sandbox.changeTask(taskOf(sandbox, id).id, { done: true })),
	},

	examples: {
		'moysklad-new-task-comment.json'(expect, execution, sandbox) {
			// A manual run shows the newest task and comments on it.
			const shown = nodeOutput(execution, 'MoySklad Trigger');
			expect(shown).toHaveLength(1);
			const task = sandbox.store.tasks.get(String(shown[0].id));
			expect(task).toBeDefined();
			const comments = nodeOutput(execution, 'Comment on the task');
			expect(comments).toHaveLength(1);
			const note = [...sandbox.store.notes.values()].find((n) => n.taskId === task!.id && n.text.startsWith('Taken into work'));
			expect(note?.text).toBe(`Taken into work: ${task!.description.split('\n')[0]}`);
		},

		'moysklad-overdue-report.json'(expect, execution, sandbox) {
			const now = sandbox.clock.now();
			const overdue = tasks(sandbox)
				.filter((t) => !t.done && t.dueToDate !== undefined && t.dueToDate < now)
				.map((t) => t.id);
			expect(overdue.length).toBeGreaterThan(0);
			const items = nodeOutput(execution, 'Report item');
			expect(items.map((i) => i.taskId).sort()).toEqual(overdue.sort());
			for (const item of items) {
				expect(item).toEqual({
					taskId: expect.any(String),
					task: expect.stringMatching(/^Overdue demo task \d$/),
					dueAt: expect.any(String),
					daysOverdue: expect.any(Number),
					responsibleId: expect.any(String),
					// The sandbox writes no web-app link (meta.uuidHref) into tasks: seed 002's carry none.
					url: null,
				});
				expect(item.daysOverdue).toBeGreaterThanOrEqual(1);
			}
		},
	},

	trigger: {
		example: 'moysklad-new-task-comment.json',
		change(sandbox) {
			return sandbox.addTask({ description: 'Call the new supplier\nAsk for the price list' }).id;
		},
		check(expect, execution, taskId, sandbox) {
			const fired = nodeOutput(execution, 'MoySklad Trigger');
			expect(fired).toEqual([expect.objectContaining({ id: taskId, title: 'Call the new supplier', status: 'open' })]);
			expect(nodeOutput(execution, 'Comment on the task')).toHaveLength(1);
			const notes = [...sandbox.store.notes.values()].filter((n) => n.taskId === taskId);
			expect(notes.map((n) => n.text)).toEqual(['Taken into work: Call the new supplier']);
		},
	},
};
