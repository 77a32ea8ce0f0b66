/**
 * One operation vocabulary across the four action nodes: each Resource and Operation picker's
 * names, actions and descriptions come from the shared table (nodes/shared/operations.ts), so the
 * same operation reads the same in every vendor (in the node panel, and to an AI Agent, which is
 * told "<action> in <node>"). The operation values are what saved workflows store: they, and the
 * pickers' defaults (saved workflows omit a parameter at its default), stay as they were.
 */
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { operations as amoCrmOperations } from '../../nodes/AmoCrm/actions/router';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { operations as bitrix24Operations } from '../../nodes/Bitrix24/actions/router';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { operations as moySkladOperations } from '../../nodes/MoySklad/actions/router';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import { operations as pyrusOperations } from '../../nodes/Pyrus/actions/router';
import type { OperationMap } from '../../nodes/shared/execute';
import { RESOURCES, resourceAndOperationPickers } from '../../nodes/shared/operations';

const nodes: Array<[string, INodeType, OperationMap]> = [
	['amoCRM', new AmoCrm(), amoCrmOperations],
	['MoySklad', new MoySklad(), moySkladOperations],
	['Pyrus', new Pyrus(), pyrusOperations],
	['Bitrix24', new Bitrix24(), bitrix24Operations],
];

/** Each resource's operation values and the default, as saved workflows know them. */
const SAVED: Record<string, Record<string, { values: string[]; default: string }>> = {
	amoCRM: {
		task: { values: ['complete', 'create', 'get', 'getAll', 'reopen', 'update'], default: 'create' },
		comment: { values: ['create', 'getAll'], default: 'create' },
		taskType: { values: ['getAll'], default: 'getAll' },
	},
	MoySklad: {
		task: { values: ['complete', 'create', 'delete', 'get', 'getAll', 'reopen', 'update'], default: 'create' },
		comment: { values: ['create', 'delete', 'get', 'getAll', 'update'], default: 'create' },
		taskType: { values: ['create', 'delete', 'getAll', 'update'], default: 'getAll' },
	},
	Pyrus: {
		task: { values: ['complete', 'create', 'delete', 'get', 'getAll', 'reopen', 'update'], default: 'create' },
		comment: { values: ['create', 'getAll', 'update'], default: 'create' },
		form: { values: ['get', 'getAll'], default: 'getAll' },
		list: { values: ['getAll'], default: 'getAll' },
	},
	Bitrix24: {
		task: {
			values: ['approve', 'complete', 'create', 'defer', 'delegate', 'delete', 'disapprove', 'get', 'getAll', 'pause', 'reopen', 'start', 'update'],
			default: 'create',
		},
		comment: { values: ['create', 'getAll'], default: 'create' },
		taskType: { values: ['getAll'], default: 'getAll' },
	},
};

function resourcePicker(node: INodeType): INodeProperties {
	return node.description.properties.find((p) => p.name === 'resource')!;
}

/** The Operation picker of one resource. */
function operationPicker(node: INodeType, resource: string): INodeProperties | undefined {
	return node.description.properties.find(
		(p) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource),
	);
}

function pickedOperations(node: INodeType): Array<{ resource: string; option: INodePropertyOptions }> {
	return (resourcePicker(node).options as INodePropertyOptions[]).flatMap(({ value }) =>
		((operationPicker(node, String(value))?.options ?? []) as INodePropertyOptions[]).map((option) => ({ resource: String(value), option })),
	);
}

describe.each(nodes)('%s: the pickers', (service, node, operations) => {
	test('offer the same resources, operation values and defaults as before, and exactly the operations it routes', () => {
		expect(resourcePicker(node).default).toBe('task');
		const offered = Object.fromEntries(
			(resourcePicker(node).options as INodePropertyOptions[]).map(({ value }) => {
				const picker = operationPicker(node, String(value))!;
				const values = (picker.options as INodePropertyOptions[]).map((option) => String(option.value)).sort();
				return [String(value), { values, default: picker.default }];
			}),
		);
		expect(offered).toEqual(SAVED[service]);
		const routed = Object.fromEntries(
			Object.entries(operations).map(([resource, byOperation]) => [resource, Object.keys(byOperation).sort()]),
		);
		expect(routed).toEqual(Object.fromEntries(Object.entries(SAVED[service]).map(([resource, { values }]) => [resource, values])));
	});

	test('name each resource and operation from the shared table; only a description may be the vendor\'s own', () => {
		for (const option of resourcePicker(node).options as INodePropertyOptions[]) {
			expect({ resource: option.value, name: option.name }).toEqual({ resource: option.value, name: RESOURCES[String(option.value)].name });
		}
		for (const { resource, option } of pickedOperations(node)) {
			const value = String(option.value);
			const words = RESOURCES[resource].operations[value];
			const own = operations[resource][value].pickerDescription;
			expect({ resource, ...option }).toEqual({
				resource,
				value: option.value,
				name: words.name,
				action: words.action,
				description: own ?? words.description,
			});
			// A vendor's own description says something the shared one does not.
			if (own !== undefined) expect(own).not.toBe(words.description);
		}
	});

	test('list each picker alphabetically, as n8n does', () => {
		const names = (options: INodeProperties['options']) => (options as INodePropertyOptions[]).map((option) => option.name);
		const sorted = (list: string[]) => [...list].sort((a, b) => a.localeCompare(b));
		expect(names(resourcePicker(node).options)).toEqual(sorted(names(resourcePicker(node).options)));
		for (const resource of Object.keys(operations)) {
			const list = names(operationPicker(node, resource)!.options);
			expect({ resource, list }).toEqual({ resource, list: sorted(list) });
		}
	});
});

describe('the operation vocabulary', () => {
	const all = nodes.flatMap(([service, node]) => pickedOperations(node).map((picked) => ({ service, ...picked })));

	test('the same operation has the same name and action in every vendor', () => {
		const seen = new Map<string, Set<string>>();
		for (const { resource, option } of all) {
			const key = `${resource}.${String(option.value)}`;
			seen.set(key, (seen.get(key) ?? new Set()).add(`${option.name} | ${option.action}`));
		}
		const differing = [...seen].filter(([, words]) => words.size > 1).map(([key, words]) => `${key}: ${[...words].join(' / ')}`);
		expect(differing).toEqual([]);
		// Shared by several vendors, so the check above compares something.
		expect([...seen.keys()]).toEqual(expect.arrayContaining(['task.create', 'comment.create', 'comment.getAll', 'taskType.getAll']));
	});

	test("speaks n8n's words: each action starts with its operation's name, and no Add or Edit", () => {
		for (const [resource, { operations }] of Object.entries(RESOURCES)) {
			for (const [value, { name, action }] of Object.entries(operations)) {
				expect({ resource, value, starts: action.toLowerCase().startsWith(`${name.toLowerCase()} `) }).toEqual({ resource, value, starts: true });
				expect({ resource, value, name }).not.toEqual({ resource, value, name: expect.stringMatching(/^(Add|Edit)$/) });
			}
		}
		expect(RESOURCES.comment.operations.create).toEqual({
			name: 'Create',
			action: 'Create a comment on a task',
			description: 'Create a comment on a task',
		});
	});

	test('an operation or resource missing from the table fails loudly, naming it and the table', () => {
		const module = { description: [] };
		expect(() => resourceAndOperationPickers({ task: { create: module, archive: module } })).toThrow(
			'"task" → "archive" has no words in nodes/shared/operations.ts',
		);
		expect(() => resourceAndOperationPickers({ project: { getAll: module } })).toThrow(
			'Resource "project" has no words in nodes/shared/operations.ts',
		);
		expect(() => resourceAndOperationPickers({ task: { get: module } })).toThrow('Resource "task" lacks its default operation "create"');
	});
});
