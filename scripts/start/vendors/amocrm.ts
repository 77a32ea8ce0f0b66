/**
 * amoCRM (Kommo): sandbox test/sandbox/amocrm.ts with its demo account, reached through the
 * long-lived token credential with "Full URL" pointing at the sandbox.
 */
import { AmoCrmSandbox, seedDemo, type AmoTask } from '../../../test/sandbox/amocrm';
import { nodeOutput } from '../lib/client';
import type { VendorEntry } from './types';

const TOKEN = 'sandbox-token';

function tasks(sandbox: AmoCrmSandbox): AmoTask[] {
	return [...sandbox.store.tasks.values()];
}

export const amocrm: VendorEntry<AmoCrmSandbox> = {
	id: 'amocrm',
	title: 'amoCRM',
	credentialType: 'amoCrmApi',
	search: 'amoCRM',
	nodeNames: { action: 'amoCRM (Kommo)', trigger: 'amoCRM (Kommo) Trigger' },

	async startSandbox() {
		const sandbox = new AmoCrmSandbox({ tokens: [TOKEN] });
		const baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 30 });
		return {
			sandbox,
			baseUrl,
			credentialData: { domain: 'custom', baseUrl, accessToken: TOKEN },
			stop: () => sandbox.stop(),
		};
	},

	examples: {
		'amocrm-completed-task-note.json'(expect, execution, sandbox) {
			// A manual run shows the newest completed task and notes it on its lead/contact/company.
			const newest = tasks(sandbox)
				.filter((t) => t.is_completed)
				.sort((a, b) => b.id - a.id)[0];
			const shown = nodeOutput(execution, 'amoCRM Trigger');
			expect(shown).toEqual([expect.objectContaining({ id: String(newest.id), status: 'completed' })]);
			const notes = nodeOutput(execution, 'Add note to the linked record');
			expect(notes.map((n) => String(n.task_id))).toEqual([String(newest.id)]);
			const stored = sandbox.store.notes.get(Number(notes[0].id));
			expect(stored).toMatchObject({
				entity_id: newest.entity_id,
				entity_type: newest.entity_type,
				params: { text: `Task "${newest.text}" was completed: ${newest.result?.text}` },
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
		change(sandbox) {
			const open = tasks(sandbox).find((t) => !t.is_completed && t.entity_id !== null);
			if (!open) throw new Error('the demo account has no open task linked to a record');
			sandbox.completeTask(open.id, 'Called back, all settled');
			return String(open.id);
		},
		check(expect, execution, taskId) {
			const fired = nodeOutput(execution, 'amoCRM Trigger');
			expect(fired).toEqual([
				expect.objectContaining({ id: taskId, status: 'completed', resultText: 'Called back, all settled' }),
			]);
			const notes = nodeOutput(execution, 'Add note to the linked record');
			expect(notes.map((n) => String(n.task_id))).toEqual([taskId]);
		},
	},
};
