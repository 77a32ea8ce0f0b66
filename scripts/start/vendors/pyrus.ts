/**
 * Pyrus: sandbox test/sandbox/pyrus.ts with its demo organization (forms, lists, members, tasks),
 * reached through the bot credential with its server URL pointing at the sandbox. The examples
 * watch the demo list "Website" (id 502); with a real account, pick your own list in them.
 */
import { PyrusSandbox, seedDemo, type PyrusTask } from '../../../test/sandbox/pyrus';
import { nodeOutput } from '../lib/client';
import type { TaskLine, VendorEntry } from './types';

const WEBSITE_LIST = 502;

function openOverdueInList(sandbox: PyrusSandbox): PyrusTask[] {
	const today = new Date(sandbox.clock.now()).toISOString().slice(0, 10);
	return [...sandbox.tasks.values()].filter(
		(t) => t.list_ids.includes(WEBSITE_LIST) && !t.close_date && typeof t.due_date === 'string' && t.due_date < today,
	);
}

function taskOf(sandbox: PyrusSandbox, id: string): PyrusTask {
	const task = sandbox.tasks.get(Number(id));
	if (!task) throw new Error(`Pyrus sandbox: no task ${id}`);
	return task;
}

function line(task: PyrusTask): TaskLine {
	const title = String(task.subject ?? task.text ?? `Task ${task.id}`).split('\n')[0];
	return { id: String(task.id), title, status: task.close_date ? 'completed' : 'open' };
}

function commentTexts(task: PyrusTask | undefined): string[] {
	return (task?.comments ?? []).map((c) => String(c.text ?? ''));
}

export const pyrus: VendorEntry<PyrusSandbox> = {
	id: 'pyrus',
	title: 'Pyrus',
	credentialType: 'pyrusApi',
	search: 'Pyrus',
	nodeNames: { action: 'Pyrus', trigger: 'Pyrus Trigger' },

	createSandbox: () => new PyrusSandbox(),
	seedDemo: (sandbox) => void seedDemo(sandbox, { tasks: 30 }),
	stateKeys: ['members', 'forms', 'lists', 'tasks', 'catalogs', 'nextTaskId', 'nextCommentId'],
	credentialData: (sandbox) => ({
		login: 'bot@sandbox',
		secretKey: 'sandbox-security-key',
		personId: '',
		serverUrl: `${sandbox.baseUrl}/api/v4`,
	}),

	commands: {
		list: (sandbox) =>
			[...sandbox.tasks.values()]
				.filter((t) => !t.close_date)
				.sort((a, b) => b.id - a.id)
				.map(line),
		// In the demo list "Website", which the examples watch.
		create: (sandbox, title) => line(sandbox.addTask({ text: title, subject: title, list_ids: [WEBSITE_LIST] })),
		update(sandbox, id, text) {
			const task = taskOf(sandbox, id);
			sandbox.addComment(task, { text });
			return line(task);
		},
		complete(sandbox, id, text) {
			const task = taskOf(sandbox, id);
			sandbox.addComment(task, { action: 'finished', ...(text ? { text } : {}) });
			return line(task);
		},
	},

	examples: {
		'pyrus-new-task-comment.json'(expect, execution, sandbox) {
			// A manual run shows the newest task of the list and comments on it.
			const shown = nodeOutput(execution, 'Pyrus Trigger');
			expect(shown).toHaveLength(1);
			const task = sandbox.tasks.get(Number(shown[0].id));
			expect(task?.list_ids).toContain(WEBSITE_LIST);
			expect(nodeOutput(execution, 'Comment on the task')).toHaveLength(1);
			expect(commentTexts(task)).toContain(`Received: ${shown[0].title}. We will reply today.`);
		},

		'pyrus-overdue-reminder.json'(expect, execution, sandbox) {
			const overdue = openOverdueInList(sandbox);
			expect(overdue.length).toBeGreaterThan(0);
			const reminded = nodeOutput(execution, 'Reminder comment');
			expect(reminded).toHaveLength(overdue.length);
			for (const task of overdue) {
				expect(commentTexts(task)).toContain(`Reminder: this task was due on ${task.due_date} and is still open.`);
			}
		},
	},

	trigger: {
		example: 'pyrus-new-task-comment.json',
		change(sandbox) {
			const task = sandbox.addTask({ text: 'Fix the contact form', subject: 'Fix the contact form', list_ids: [WEBSITE_LIST] });
			return String(task.id);
		},
		check(expect, execution, taskId, sandbox) {
			const fired = nodeOutput(execution, 'Pyrus Trigger');
			expect(fired).toEqual([expect.objectContaining({ id: taskId, title: 'Fix the contact form', status: 'open' })]);
			expect(nodeOutput(execution, 'Comment on the task')).toHaveLength(1);
			expect(commentTexts(sandbox.tasks.get(Number(taskId)))).toEqual(['Received: Fix the contact form. We will reply today.']);
		},
	},
};
