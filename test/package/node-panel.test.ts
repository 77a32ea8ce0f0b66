/**
 * How n8n's node panel shows each service. n8n 2.41's editor merges a node `X` and its trigger
 * `XTrigger` into one entry, with the node's actions and the trigger's events, and gives that
 * entry the trigger's description (its `generateMergedNodesAndActions`), in the trigger panel and
 * in the next-step panel alike. So a trigger's description is the service's description: it must
 * be the action node's own, or the action node is shown described as a trigger.
 * (The end-to-end tests read the same text off the panel in Chromium.)
 */
import type { INodeType } from 'n8n-workflow';

import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { AmoCrmTrigger } from '../../nodes/AmoCrm/AmoCrmTrigger.node';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { Bitrix24Trigger } from '../../nodes/Bitrix24/Bitrix24Trigger.node';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { MoySkladTrigger } from '../../nodes/MoySklad/MoySkladTrigger.node';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import { PyrusTrigger } from '../../nodes/Pyrus/PyrusTrigger.node';

const pairs: Array<[string, INodeType, INodeType]> = [
	['amoCRM', new AmoCrm(), new AmoCrmTrigger()],
	['MoySklad', new MoySklad(), new MoySkladTrigger()],
	['Pyrus', new Pyrus(), new PyrusTrigger()],
	['Bitrix24', new Bitrix24(), new Bitrix24Trigger()],
];

describe.each(pairs)('%s in the node panel', (_vendor, action, trigger) => {
	test('n8n merges the trigger into the action node\'s entry (same type name + "Trigger")', () => {
		expect(trigger.description.name).toBe(`${action.description.name}Trigger`);
		expect(trigger.description.group).toContain('trigger');
	});

	test('the entry shows the action node\'s own description, which names what the trigger does too', () => {
		expect(trigger.description.description).toBe(action.description.description);
		expect(action.description.description).toMatch(/start workflows when tasks are created, updated or completed/);
	});
});
