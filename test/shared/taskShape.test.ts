/** The common task shape: its helpers, amoCRM's mapping into it, and the shape as a type. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import ts from 'typescript';

import { simplifyAmoTask, type AmoCrmTask } from '../../nodes/AmoCrm/shape';
import { simplifyB24Task, type Bitrix24Task } from '../../nodes/Bitrix24/shape';
import { simplifyMoySkladTask, type MoySkladTask } from '../../nodes/MoySklad/shape';
import { simplifyPyrusTask, type PyrusTask } from '../../nodes/Pyrus/shape';
import { idString, type CommonTask } from '../../nodes/shared/taskShape';

describe('common task shape', () => {
	it('writes ids as strings and missing ids as null', () => {
		expect(idString(504141)).toBe('504141');
		expect(idString('77')).toBe('77');
		expect(idString(0)).toBeNull();
		expect(idString('')).toBeNull();
		expect(idString(null)).toBeNull();
		expect(idString(undefined)).toBeNull();
	});

	it('maps an amoCRM task with every key of the shape, times in the workflow zone', () => {
		const task = simplifyAmoTask(
			{
				id: 56981,
				created_by: 54224,
				created_at: 1575910123,
				updated_at: 1576767989,
				responsible_user_id: 123123,
				entity_id: 180765,
				entity_type: 'leads',
				is_completed: true,
				task_type_id: 2,
				text: 'Arrange a meeting\nwith the client',
				result: { text: 'Done' },
				complete_till: 1575910423,
			},
			'https://example.amocrm.ru',
			'Asia/Yekaterinburg',
		);
		expect(task).toEqual({
			vendor: 'amoCrm',
			id: '56981',
			title: 'Arrange a meeting',
			text: 'Arrange a meeting\nwith the client',
			status: 'completed',
			vendorStatus: 'completed',
			responsibleId: '123123',
			authorId: '54224',
			typeId: '2',
			dueAt: '2019-12-09T21:53:43+05:00',
			createdAt: '2019-12-09T21:48:43+05:00',
			updatedAt: '2019-12-19T20:06:29+05:00',
			completedAt: '2019-12-19T20:06:29+05:00',
			entity: { type: 'leads', id: '180765' },
			url: 'https://example.amocrm.ru/leads/detail/180765',
			resultText: 'Done',
		});
	});
});

// ---------------------------------------------------------------------------------------------
// The shape as a type: the keys each vendor outputs, listed once here, held against the types
// (at compile time, `npm run typecheck`), the simplify functions' output and README's tables.
// ---------------------------------------------------------------------------------------------

/** True when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const COMMON_KEYS = [
	'vendor',
	'id',
	'title',
	'text',
	'status',
	'vendorStatus',
	'responsibleId',
	'authorId',
	'typeId',
	'dueAt',
	'createdAt',
	'updatedAt',
	'completedAt',
	'entity',
	'url',
] as const;
type CommonKey = (typeof COMMON_KEYS)[number];

const AMO_EXTRAS = ['resultText'] as const;
const B24_EXTRAS = ['statusCode', 'subStatus', 'priority', 'groupId', 'parentId', 'accomplices', 'auditors', 'chatId'] as const;

// Each line fails to compile when its type gains, loses or widens a key (an index signature
// makes `keyof` `string | number`, which equals none of these).
const typeKeysMatch: Record<string, true> = {
	CommonTask: true satisfies Equal<keyof CommonTask, CommonKey>,
	AmoCrmTask: true satisfies Equal<keyof AmoCrmTask, CommonKey | (typeof AMO_EXTRAS)[number]>,
	MoySkladTask: true satisfies Equal<keyof MoySkladTask, CommonKey>,
	PyrusTask: true satisfies Equal<keyof PyrusTask, CommonKey>,
	Bitrix24Task: true satisfies Equal<keyof Bitrix24Task, CommonKey | (typeof B24_EXTRAS)[number]>,
};

const timezone = 'Europe/Moscow';
const outputs: Record<string, { type: string; task: CommonTask; keys: readonly string[] }> = {
	amoCrm: {
		type: 'AmoCrmTask',
		task: simplifyAmoTask({ id: 1, text: 'Call', is_completed: false, entity_type: 'leads', entity_id: 2 }, 'https://example.amocrm.ru', timezone),
		keys: [...COMMON_KEYS, ...AMO_EXTRAS],
	},
	moySklad: {
		type: 'MoySkladTask',
		task: simplifyMoySkladTask({ id: '7e3b', description: 'Call', done: false }, timezone),
		keys: COMMON_KEYS,
	},
	pyrus: {
		type: 'PyrusTask',
		task: simplifyPyrusTask({ id: 11, text: 'Call' }, {}, timezone),
		keys: COMMON_KEYS,
	},
	bitrix24: {
		type: 'Bitrix24Task',
		task: simplifyB24Task({ id: '5', title: 'Call', status: '2' }, 'https://acme.bitrix24.ru', timezone),
		keys: [...COMMON_KEYS, ...B24_EXTRAS],
	},
};

/** README's "Common task shape" section: the common fields, and each vendor type's extras. */
function readmeShape(): { common: string[]; extras: Record<string, string[]> } {
	const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
	const start = readme.indexOf('\n## Common task shape\n');
	const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
	const rows = section.split('\n').filter((line) => line.startsWith('| `'));
	const spans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
	const common: string[] = [];
	const extras: Record<string, string[]> = {};
	for (const row of rows) {
		const cells = row.split('|').slice(1, -1);
		if (cells.length === 2) common.push(...spans(cells[0]));
	}
	for (const row of section.split('\n').filter((line) => line.startsWith('| '))) {
		const cells = row.split('|').slice(1, -1);
		const [type] = cells.length === 3 ? spans(cells[1]) : [];
		// The extras are the names outside the parentheses that say what they hold.
		if (type) extras[type] = spans(cells[2].replace(/\([^)]*\)/g, ''));
	}
	return { common, extras };
}

describe('the common task shape as a type', () => {
	it('each type has exactly the keys listed (checked when compiling)', () => {
		expect(Object.keys(typeKeysMatch)).toEqual(['CommonTask', 'AmoCrmTask', 'MoySkladTask', 'PyrusTask', 'Bitrix24Task']);
	});

	it.each(Object.keys(outputs))("%s's simplify outputs exactly its type's keys, in order", (vendor) => {
		const { task, keys } = outputs[vendor];
		expect(task.vendor).toBe(vendor);
		expect(Object.keys(task)).toEqual(keys);
	});

	it("README's common-shape tables list the same fields and the same extras per vendor type", () => {
		const readme = readmeShape();
		expect(readme.common).toEqual([...COMMON_KEYS]);
		expect(readme.extras).toEqual({
			AmoCrmTask: [...AMO_EXTRAS],
			MoySkladTask: [],
			PyrusTask: [],
			Bitrix24Task: [...B24_EXTRAS],
		});
		expect(Object.values(outputs).map((output) => output.type)).toEqual(Object.keys(readme.extras));
	});

	it('is an n8n item as it is, and rejects keys no type lists (checked when compiling)', () => {
		const amo = simplifyAmoTask({ id: 1, text: 'Call', result: { text: 'Done' } }, 'https://example.amocrm.ru', timezone);
		const b24 = simplifyB24Task({ id: '5', priority: '2' }, 'https://acme.bitrix24.ru', timezone);
		// Assignable to IDataObject without a cast: what every node and trigger returns.
		const items: IDataObject[] = [amo, b24, outputs.moySklad.task, outputs.pyrus.task];
		// @ts-expect-error -- a misspelt extra is no key of AmoCrmTask
		const misspelt: AmoCrmTask = { ...amo, resultTxt: 'Done' };
		// @ts-expect-error -- reading a key the type does not list
		const priority: unknown = b24.priorty;
		// @ts-expect-error -- an extra may not retype a common field
		const clash: CommonTask<'x', { id: number }> | null = null;
		// @ts-expect-error -- an extra must be JSON an n8n item holds as it is
		const notJson: CommonTask<'x', { when: Date }> | null = null;
		expect(items.map((item) => item.vendor)).toEqual(['amoCrm', 'bitrix24', 'moySklad', 'pyrus']);
		expect([amo.resultText, b24.priority]).toEqual(['Done', 2]);
		expect([misspelt.resultText, priority, clash, notJson]).toEqual(['Done', undefined, null, null]);
	});

	it('compiles: the key checks and each @ts-expect-error above hold, the checks `npm run typecheck` makes', () => {
		// jest only strips types (isolatedModules), so the compile-time half is checked here too.
		const config = ts.getParsedCommandLineOfConfigFile(join(__dirname, '..', '..', 'tsconfig.json'), {}, {
			...ts.sys,
			onUnRecoverableConfigFileDiagnostic: () => undefined,
		});
		if (!config) throw new Error('tsconfig.json did not parse');
		const program = ts.createProgram([__filename], { ...config.options, noEmit: true });
		const errors = ts
			.getPreEmitDiagnostics(program)
			.map((error) => `${error.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`);
		expect(errors).toEqual([]);
	}, 120_000);
});
