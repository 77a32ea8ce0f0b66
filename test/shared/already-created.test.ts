/**
 * "Skip Tasks Already Created": which stored task counts as the one an item would create. The
 * pure parts: one task per item, and each vendor's comparison of a stored task with what a
 * create sends (test/reliability/rerun.test.ts runs the whole re-run through the engine).
 */
import type { IDataObject } from 'n8n-workflow';

import { holdsAllSent as amoHolds } from '../../nodes/AmoCrm/storedLookup';
import { holdsAllSent as b24Holds } from '../../nodes/Bitrix24/actions/task/existing';
import { holdsAllSent as msHolds } from '../../nodes/MoySklad/actions/task/existing';
import { holdsAllSent as pyrusHolds } from '../../nodes/Pyrus/actions/task/existing';
import { claimExisting, sameText } from '../../nodes/shared/alreadyCreated';

describe('claimExisting', () => {
	const same = (task: IDataObject, element: { itemIndex: number; text: string }) => task.text === element.text;
	const byText = { stored: (task: IDataObject) => task.text, sent: (element: { text: string }) => element.text };

	test('each task goes to one item, oldest task to the first item', () => {
		const tasks = [{ id: 1, text: 'a' }, { id: 2, text: 'a' }, { id: 3, text: 'b' }];
		const elements = [
			{ itemIndex: 0, text: 'a' },
			{ itemIndex: 1, text: 'b' },
			{ itemIndex: 2, text: 'a' },
			{ itemIndex: 3, text: 'a' },
			{ itemIndex: 4, text: 'c' },
		];
		const found = claimExisting(elements, tasks, same, byText);
		expect([...found.entries()].map(([item, task]) => [item, task.id])).toEqual([
			[0, 1],
			[1, 3],
			[2, 2],
		]);
	});

	test('no tasks: nothing found', () => {
		expect(claimExisting([{ itemIndex: 0, text: 'a' }], [], same, byText).size).toBe(0);
	});

	test('an item is compared only with the tasks of its text, not with every task', () => {
		// A busy look-back period: 10,000 tasks of other texts, and 3 of the items' texts in
		// another spelling (blanks), one of them twice.
		const tasks: IDataObject[] = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 10, text: `Other ${i}` }));
		tasks.splice(5000, 0, { id: 1, text: ' Call  a ' }, { id: 2, text: 'Call b' }, { id: 3, text: 'Call a' });
		const elements = Array.from({ length: 100 }, (_, i) => ({ itemIndex: i, text: i < 3 ? ['Call a', 'Call b', 'Call a'][i] : `New ${i}` }));
		let compared = 0;
		const counted = (task: IDataObject, element: { itemIndex: number; text: string }) => {
			compared++;
			return sameText(task.text, element.text);
		};
		const found = claimExisting(elements, tasks, counted, byText);
		expect([...found.entries()].map(([item, task]) => [item, task.id])).toEqual([
			[0, 1],
			[1, 2],
			[2, 3],
		]);
		// One comparison for each of the three found (a claimed task is passed over without one);
		// none for the 97 new texts.
		expect(compared).toBe(3);
	});

	test('an item that sends no text is compared with every task', () => {
		const tasks = [{ id: 1, text: 'a', due: 5 }, { id: 2, text: 'b', due: 6 }];
		const element = { itemIndex: 0, text: undefined as unknown as string, due: 6 };
		const found = claimExisting([element], tasks, (task, e) => task.due === e.due, byText);
		expect(found.get(0)?.id).toBe(2);
	});
});

describe('amoCRM: a stored task holds what a create sent', () => {
	const stored = { id: 5, text: 'Call  the client ', complete_till: 1700000000, responsible_user_id: 7, task_type_id: 1 };
	test.each([
		['the same values (blanks aside)', { text: 'Call the client', complete_till: 1700000000, responsible_user_id: 7 }, true],
		['another due date', { text: 'Call the client', complete_till: 1700003600 }, false],
		['another responsible user', { text: 'Call the client', complete_till: 1700000000, responsible_user_id: 8 }, false],
		['another text', { text: 'Call the supplier', complete_till: 1700000000 }, false],
		['a field the task lacks', { text: 'Call the client', complete_till: 1700000000, entity_id: 3 }, false],
	])('%s', (_case, body, expected) => {
		expect(amoHolds(stored, body as IDataObject)).toBe(expected);
	});
});

describe('MoySklad: a stored task holds what a create sent', () => {
	const meta = (type: string, id: string) => ({ meta: { href: `https://api.moysklad.ru/api/remap/1.2/entity/${type}/${id}`, type } });
	const stored = {
		id: 't1',
		description: 'Ship the order',
		assignee: meta('employee', 'e1'),
		dueToDate: '2026-12-01 10:00:00.000',
		agent: meta('counterparty', 'c1'),
	};
	test.each([
		['the same values (the date with fewer fraction digits)', { description: 'Ship the order', assignee: meta('employee', 'e1'), dueToDate: '2026-12-01 10:00:00' }, true],
		['another assignee', { description: 'Ship the order', assignee: meta('employee', 'e2') }, false],
		['another due date', { description: 'Ship the order', dueToDate: '2026-12-01 11:00:00' }, false],
		['another counterparty', { description: 'Ship the order', agent: meta('counterparty', 'c2') }, false],
		['a reference the task lacks', { description: 'Ship the order', operation: meta('customerorder', 'o1') }, false],
	])('%s', (_case, body, expected) => {
		expect(msHolds(stored, body as IDataObject)).toBe(expected);
	});
});

describe('Bitrix24: a listed task holds what tasks.task.add sent', () => {
	const stored = {
		id: '9',
		title: 'Prepare the offer',
		responsibleId: '1',
		deadline: '2026-12-01T10:00:00+03:00',
		accomplices: ['3', '2'],
		tags: { 1: { id: 1, title: 'sales' } },
	};
	test.each([
		['the same values (deadline in another notation, ids as numbers)', { TITLE: 'Prepare the offer', RESPONSIBLE_ID: 1, DEADLINE: '2026-12-01T07:00:00+00:00', ACCOMPLICES: [2, 3], TAGS: ['sales'] }, true],
		['another responsible user', { TITLE: 'Prepare the offer', RESPONSIBLE_ID: 2 }, false],
		['another deadline', { TITLE: 'Prepare the offer', DEADLINE: '2026-12-02T10:00:00+03:00' }, false],
		['other tags', { TITLE: 'Prepare the offer', TAGS: ['support'] }, false],
		['a field the list did not return', { TITLE: 'Prepare the offer', GROUP_ID: 4 }, false],
	])('%s', (_case, fields, expected) => {
		expect(b24Holds(stored, fields as IDataObject)).toBe(expected);
	});
});

describe('Pyrus: a listed task holds what a create sent', () => {
	const header = {
		id: 11,
		text: 'Check the invoice',
		responsible: { id: 1731, first_name: 'Jane', email: 'jane@example.com' },
		due_date: '2026-12-01',
	};
	const registerTask = {
		id: 12,
		form_id: 321,
		fields: [
			{ id: 1, type: 'text', value: 'Invoice 7' },
			{ id: 2, type: 'catalog', value: { item_id: 55, values: ['Moscow'] } },
		],
	};
	test.each([
		['a simple task with the same text, person (by id) and due date', header, { text: 'Check the invoice', responsible: { id: 1731 }, due_date: '2026-12-01', list_ids: [501] }, true],
		['the person given by email', header, { text: 'Check the invoice', responsible: { email: 'jane@example.com' } }, true],
		['another person', header, { text: 'Check the invoice', responsible: { id: 1732 } }, false],
		['another due date', header, { text: 'Check the invoice', due_date: '2026-12-02' }, false],
		['a form task with the same field values', registerTask, { form_id: 321, fields: [{ id: 2, value: { item_id: 55 } }, { id: 1, value: 'Invoice 7' }] }, true],
		['a form task with another catalog item', registerTask, { form_id: 321, fields: [{ id: 2, value: { item_id: 56 } }] }, false],
		['another form', registerTask, { form_id: 322 }, false],
	])('%s', (_case, task, body, expected) => {
		expect(pyrusHolds(task as IDataObject, body as IDataObject)).toBe(expected);
	});
});
