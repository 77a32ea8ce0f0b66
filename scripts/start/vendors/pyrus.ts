/**
 * Pyrus: sandbox test/sandbox/pyrus.ts with its demo organization (forms, lists, members, tasks),
 * reached through the bot credential with its server URL pointing at the sandbox. The examples
 * watch the demo list "Website" (id 502); with a real account, pick your own list in them.
 */
import { PyrusSandbox, seedDemo, type PyrusTask } from '../../../test/sandbox/pyrus';
import { nodeOutput } from '../lib/client';
import type { VendorEntry } from './types';

const WEBSITE_LIST = 502;

function openOverdueInList(sandbox: PyrusSandbox): PyrusTask[] {
	const today = new Date(sandbox.clock.now()).toISOString().slice(0, 10);
	return [...sandbox.tasks.values()].filter(
		(t) => t.list_ids.includes(WEBSITE_LIST) && !t.close_date && typeof t.due_date === 'string' && t.due_date < today,
	);
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

	async startSandbox() {
		const sandbox = new PyrusSandbox();
		const baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 30 });
		return {
			sandbox,
			baseUrl,
			credentialData: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', personId: '', serverUrl: `${baseUrl}/api/v4` },
			stop: () => sandbox.stop(),
		};
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
