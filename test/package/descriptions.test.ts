/**
 * What saved workflows depend on stays as it was: each node's description (parameter names,
 * types, defaults, options, displayOptions, the pickers' values, its credentials) and the names of
 * its loadOptions / listSearch / credentialTest methods, which parameters call by name. The nodes
 * build parts of their descriptions from shared helpers (nodes/shared/*), so a change to a helper
 * changes several nodes at once; descriptions.json holds the descriptions as they were published.
 * A deliberate change to a node's parameters updates that file in the same commit, together with
 * the CHANGELOG entry that tells users what their saved workflows meet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeProperties, INodePropertyCollection, INodeType } from 'n8n-workflow';

import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { AmoCrmTrigger } from '../../nodes/AmoCrm/AmoCrmTrigger.node';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { Bitrix24Trigger } from '../../nodes/Bitrix24/Bitrix24Trigger.node';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { MoySkladTrigger } from '../../nodes/MoySklad/MoySkladTrigger.node';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import { PyrusTrigger } from '../../nodes/Pyrus/PyrusTrigger.node';

interface Published {
	description: unknown;
	methods: Record<string, string[]>;
}

const published = JSON.parse(readFileSync(join(__dirname, 'descriptions.json'), 'utf8')) as Record<string, Published>;

const nodes: Array<[string, INodeType]> = [
	['AmoCrm', new AmoCrm()],
	['AmoCrmTrigger', new AmoCrmTrigger()],
	['Bitrix24', new Bitrix24()],
	['Bitrix24Trigger', new Bitrix24Trigger()],
	['MoySklad', new MoySklad()],
	['MoySkladTrigger', new MoySkladTrigger()],
	['Pyrus', new Pyrus()],
	['PyrusTrigger', new PyrusTrigger()],
];

/** The node's description as n8n serves it to the editor (JSON: functions and undefined drop out). */
const served = (node: INodeType): unknown => JSON.parse(JSON.stringify(node.description));

/** The names of the node's methods, per kind, as parameters call them. */
const methodNames = (node: INodeType): Record<string, string[]> =>
	Object.fromEntries(Object.entries(node.methods ?? {}).map(([kind, byName]) => [kind, Object.keys(byName as object).sort()]));

test('every node of the package is checked, and only those', () => {
	expect(nodes.map(([name]) => name).sort()).toEqual(Object.keys(published).sort());
});

describe.each(nodes)('%s', (name, node) => {
	test('describes itself as published: the same parameters, defaults, options and displayOptions', () => {
		expect(served(node)).toEqual(published[name].description);
		// The same order too: n8n shows parameters and options in the order the description gives.
		expect(JSON.stringify(served(node))).toBe(JSON.stringify(published[name].description));
	});

	test('offers the same methods by name', () => {
		expect(methodNames(node)).toEqual(published[name].methods);
	});

	/**
	 * n8n's lint rule (node-param-collection-type-item-required) sees only collections written out
	 * as literals; those built by `collection()` (nodes/shared/descriptions.ts) are checked here.
	 */
	test('marks no item of a collection required', () => {
		const requiredItems: string[] = [];
		const walk = (properties: INodeProperties[], path: string): void => {
			for (const property of properties) {
				if (property.type === 'collection') {
					for (const item of (property.options ?? []) as INodeProperties[]) {
						if ('required' in item) requiredItems.push(`${path}${property.name} → ${item.name}`);
					}
					walk(property.options as INodeProperties[], `${path}${property.name} → `);
				}
				if (property.type === 'fixedCollection') {
					for (const group of (property.options ?? []) as INodePropertyCollection[]) {
						walk(group.values, `${path}${property.name} → ${group.name} → `);
					}
				}
			}
		};
		walk(node.description.properties, '');
		expect(requiredItems).toEqual([]);
	});

	test(name.endsWith('Trigger') ? 'polls' : 'executes', () => {
		expect(typeof (name.endsWith('Trigger') ? node.poll : node.execute)).toBe('function');
	});
});
