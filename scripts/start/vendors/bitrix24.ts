/**
 * Bitrix24: sandbox test/sandbox/bitrix24.ts with its demo portal, reached through the inbound
 * webhook credential of user 1 (the sandbox's administrator) on the sandbox's address.
 * Also checks the cross-vendor example: a completed amoCRM task becomes a Bitrix24 task.
 */
import { Bitrix24Sandbox, seedDemo, type B24Task } from '../../../test/sandbox/bitrix24';
import { nodeOutput } from '../lib/client';
import type { TaskLine, VendorEntry } from './types';

/** What users wrote on a task: classic comments and, on the new task card, its chat. */
function commentTexts(sandbox: Bitrix24Sandbox, taskId: string): string[] {
	const task = sandbox.tasks.get(Number(taskId));
	const classic = (sandbox.comments.get(Number(taskId)) ?? []).map((c) => c.POST_MESSAGE);
	const chat = task?.chatId ? (sandbox.chats.get(Number(task.chatId)) ?? []).map((m) => m.text) : [];
	return [...classic, ...chat];
}

const ADMIN = '1';
const COMPLETED = '5';
const STATUS_NAMES: Record<string, string> = { '2': 'pending', '3': 'in progress', '4': 'supposedly completed', '5': 'completed', '6': 'deferred' };

function taskOf(sandbox: Bitrix24Sandbox, id: string): number {
	if (!sandbox.tasks.has(Number(id))) throw new Error(`Bitrix24 sandbox: no task ${id}`);
	return Number(id);
}

function line(task: B24Task): TaskLine {
	return { id: task.id, title: task.title, status: STATUS_NAMES[task.status] ?? `status ${task.status}` };
}

function tasksTitled(sandbox: Bitrix24Sandbox, title: string): B24Task[] {
	return [...sandbox.tasks.values()].filter((t) => t.title === title);
}

export const bitrix24: VendorEntry<Bitrix24Sandbox> = {
	id: 'bitrix24',
	title: 'Bitrix24',
	credentialType: 'bitrix24WebhookApi',
	search: 'Bitrix24',
	nodeNames: { action: 'Bitrix24', trigger: 'Bitrix24 Trigger' },

	createSandbox: () => new Bitrix24Sandbox(),
	seedDemo: (sandbox) => void seedDemo(sandbox),
	stateKeys: ['users', 'groups', 'tasks', 'comments', 'chats', 'nextTaskId', 'nextCommentId', 'nextChatId', 'nextMessageId'],
	credentialData: (sandbox) => ({ webhookSecretUrl: `${sandbox.baseUrl}/rest/1/sandboxsecret1234/`, plan: 'standard' }),

	commands: {
		list: (sandbox) =>
			[...sandbox.tasks.values()]
				.filter((t) => t.status !== COMPLETED)
				.sort((a, b) => Number(b.id) - Number(a.id))
				.map(line),
		create: (sandbox, title) => line(sandbox.addTask({ title, createdBy: ADMIN, responsibleId: ADMIN })),
		update: (sandbox, id, title) => line(sandbox.updateTask(taskOf(sandbox, id), { title })),
		// As the administrator of the webhook closes it in the web app.
		complete: (sandbox, id) =>
			line(sandbox.updateTask(taskOf(sandbox, id), { status: COMPLETED, closedDate: sandbox.portalDate(), closedBy: ADMIN })),
	},

	examples: {
		'bitrix24-completed-task-comment.json'(expect, execution, sandbox) {
			// A manual run shows the newest completed task and comments on it.
			const shown = nodeOutput(execution, 'Bitrix24 Trigger');
			expect(shown).toEqual([expect.objectContaining({ status: 'completed' })]);
			expect(nodeOutput(execution, 'Comment on the task')).toHaveLength(1);
			expect(commentTexts(sandbox, String(shown[0].id))).toContain(`Closed: ${shown[0].title}. Thank you!`);
		},

		'amocrm-completed-to-bitrix24-task.json'(expect, execution, sandbox) {
			// amoCRM's newest completed task, as a follow-up task in Bitrix24 (the common task shape
			// carries title, text and link from one vendor to the other).
			const [amoTask] = nodeOutput(execution, 'amoCRM Trigger');
			expect(amoTask).toEqual(expect.objectContaining({ vendor: 'amoCrm', status: 'completed' }));
			const created = nodeOutput(execution, 'Create Bitrix24 task');
			expect(created).toHaveLength(1);
			const stored = tasksTitled(sandbox, `Follow up: ${amoTask.title}`);
			expect(stored).toHaveLength(1);
			expect(String(created[0].id)).toBe(stored[0].id);
			expect(stored[0].responsibleId).toBe('1');
			expect(stored[0].description).toContain(String(amoTask.url));
		},
	},

	trigger: {
		example: 'bitrix24-completed-task-comment.json',
		change(sandbox) {
			const open = [...sandbox.tasks.values()].find((t) => t.status === '2');
			if (!open) throw new Error('the demo portal has no pending task');
			sandbox.updateTask(Number(open.id), { status: '5', closedDate: sandbox.portalDate(), closedBy: '1' });
			return open.id;
		},
		check(expect, execution, taskId, sandbox) {
			const fired = nodeOutput(execution, 'Bitrix24 Trigger');
			expect(fired).toEqual([expect.objectContaining({ id: taskId, status: 'completed' })]);
			expect(nodeOutput(execution, 'Comment on the task')).toHaveLength(1);
			expect(commentTexts(sandbox, taskId)).toContain(`Closed: ${fired[0].title}. Thank you!`);
		},
	},
};
