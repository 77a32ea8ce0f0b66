/**
 * amoCRM (Kommo): sandbox test/sandbox/amocrm.ts with its demo account, reached through the
 * long-lived token credential with "Full URL" pointing at the sandbox. The account's data is its
 * `store` (users, task types, linked records, tasks, notes, id counters).
 */
import { AmoCrmSandbox, seedDemo, type AmoTask } from '../../../test/sandbox/amocrm';
import { nodeOutput } from '../lib/client';
import type { TaskLine, VendorEntry } from './types';

const TOKEN = 'sandbox-token';

function tasks(sandbox: AmoCrmSandbox): AmoTask[] {
	return [...sandbox.store.tasks.values()];
}

function taskOf(sandbox: AmoCrmSandbox, id: string): AmoTask {
	const task = sandbox.store.tasks.get(Number(id));
	if (!task) throw new Error(`amoCRM sandbox: no task ${id}`);
	return task;
}

function line(task: AmoTask): TaskLine {
	const link = task.entity_type ? `, ${task.entity_type} ${task.entity_id}` : ', no linked record';
	return { id: String(task.id), title: task.text, status: `${task.is_completed ? 'completed' : 'open'}${link}` };
}

export const amocrm: VendorEntry<AmoCrmSandbox> = {
	id: 'amocrm',
	title: 'amoCRM',
	credentialType: 'amoCrmApi',
	search: 'amoCRM',
	nodeNames: { action: 'amoCRM (Kommo)', trigger: 'amoCRM (Kommo) Trigger' },

	createSandbox: () => new AmoCrmSandbox({ tokens: [TOKEN] }),
	seedDemo: (sandbox) => void seedDemo(sandbox, { tasks: 30 }),
	stateKeys: ['store'],
	credentialData: (sandbox) => ({ domain: 'custom', baseUrl: sandbox.baseUrl, accessToken: TOKEN }),

	commands: {
		list: (sandbox) =>
			tasks(sandbox)
				.filter((t) => !t.is_completed)
				.sort((a, b) => b.id - a.id)
				.map(line),
		create(sandbox, title) {
			// Linked to the first lead, as a task made from a lead's card (the examples note on it).
			const [lead] = [...sandbox.store.entities.leads];
			return line(sandbox.addTask({ text: title, ...(lead ? { entity_type: 'leads', entity_id: lead } : {}) }));
		},
		update: (sandbox, id, title) => line(sandbox.updateTask(taskOf(sandbox, id).id, { text: title })),
		complete: (sandbox, id, text) => line(sandbox.completeTask(taskOf(sandbox, id).id, text)),
	},

	examples: {
		'amocrm-completed-task-note.json'(expect, execution, sandbox) {
			// A manual run shows the newest completed task and notes it on its lead/contact/company.
			const shown = nodeOutput(execution, 'amoCRM Trigger');
			expect(shown).toEqual([expect.objectContaining({ status: 'completed' })]);
			const task = sandbox.store.tasks.get(Number(shown[0].id))!;
			expect(task.entity_id).not.toBeNull();
			const notes = nodeOutput(execution, 'Add note to the linked record');
			expect(notes.map((n) => String(n.task_id))).toEqual([String(task.id)]);
			const stored = sandbox.store.notes.get(Number(notes[0].id));
			expect(stored).toMatchObject({
				entity_id: task.entity_id,
				entity_type: task.entity_type,
				params: { text: `Task "${task.text}" was completed: ${task.result?.text}` },
			});
		},

		'amocrm-overdue-report.json'(expect, execution, sandbox) {
			const now = sandbox.nowSeconds();
			const overdue = tasks(sandbox)
				.filter((t) => !t.is_completed && t.complete_till < now)
				.map((t) => String(t.id));
			expect(overdue.length).toBeGreaterThan(0);
			const lines = nodeOutput(execution, 'Report line');
			expect(lines.map((l) => l.taskId).sort()).toEqual(overdue.sort());
			for (const line of lines) expect(line.line).toMatch(/^Overdue since .+: Demo task \d+ \(responsible: \d+\)$/);
		},
	},

	trigger: {
		example: 'amocrm-completed-task-note.json',
		// A task linked to no record: the example skips it with a note instead of failing.
		change(sandbox) {
			const open = tasks(sandbox).find((t) => !t.is_completed && t.entity_id === null);
			if (!open) throw new Error('the demo account has no open task without a linked record');
			sandbox.completeTask(open.id, 'Called back, all settled');
			return String(open.id);
		},
		check(expect, execution, taskId, sandbox) {
			const fired = nodeOutput(execution, 'amoCRM Trigger');
			expect(fired).toEqual([
				expect.objectContaining({ id: taskId, status: 'completed', entity: null, resultText: 'Called back, all settled' }),
			]);
			expect(execution.data.resultData.runData['Add note to the linked record']).toBeUndefined();
			expect(nodeOutput(execution, 'Skipped: no linked record')).toEqual([
				{ taskId, note: expect.stringMatching(new RegExp(`^Not noted: task ${taskId} ".+" is linked to no lead, contact or company`)) },
			]);
			expect([...sandbox.store.notes.values()].filter((n) => String(n.params.text).includes('Called back'))).toEqual([]);
		},
	},
};
