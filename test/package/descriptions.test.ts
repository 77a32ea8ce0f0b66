/**
 * Saved workflows store parameter names, values and defaults: every node's `description` must stay
 * what it was when the fixture was written (parameters, defaults, displayOptions, order). A change
 * that moves description code around (shared builders) must leave this output byte-identical.
 * A deliberate change to a node's UI rewrites the fixture (fixtures/descriptions.json, one key per
 * node: JSON.stringify of its description) and shows the diff in review.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodePropertyCollection, INodeType } from 'n8n-workflow';

import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { AmoCrmTrigger } from '../../nodes/AmoCrm/AmoCrmTrigger.node';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { Bitrix24Trigger } from '../../nodes/Bitrix24/Bitrix24Trigger.node';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { MoySkladTrigger } from '../../nodes/MoySklad/MoySkladTrigger.node';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import { PyrusTrigger } from '../../nodes/Pyrus/PyrusTrigger.node';

const nodes: Record<string, INodeType> = {
	AmoCrm: new AmoCrm(),
	AmoCrmTrigger: new AmoCrmTrigger(),
	Bitrix24: new Bitrix24(),
	Bitrix24Trigger: new Bitrix24Trigger(),
	MoySklad: new MoySklad(),
	MoySkladTrigger: new MoySkladTrigger(),
	Pyrus: new Pyrus(),
	PyrusTrigger: new PyrusTrigger(),
};

const fixturePath = join(__dirname, 'fixtures', 'descriptions.json');
const dump = (node: INodeType): string => JSON.stringify(node.description, null, '\t');

const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Record<string, unknown>;

test('the fixture holds every node and no other', () => {
	expect(Object.keys(fixture).sort()).toEqual(Object.keys(nodes).sort());
});

test.each(Object.keys(nodes))('%s: description is byte-identical to the committed fixture', (name) => {
	expect(dump(nodes[name])).toBe(JSON.stringify(fixture[name], null, '\t'));
});

/**
 * n8n's lint rule (node-param-collection-type-item-required) sees only collections written out as
 * literals; those built by `collection()` (nodes/shared/descriptions.ts) are checked here instead.
 */
test.each(Object.keys(nodes))('%s: no item of a collection is marked required', (name) => {
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
	walk(nodes[name].description.properties, '');
	expect(requiredItems).toEqual([]);
});
