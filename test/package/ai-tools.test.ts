/**
 * The action nodes as AI Agent tools. n8n turns a node with `usableAsTool` into a `<name>Tool`
 * variant: its description (with `usableAsTool.replacements` applied) is what the AI tools panel
 * shows and what "Tool Description → Set Manually" starts from; with "Set Automatically" (the
 * default) the model is told `<operation's action> in <node's default name>`
 * (n8n-workflow's getToolDescriptionForNode). The end-to-end test (test/e2e/ai-agent.e2e.test.ts)
 * checks what a model receives in real n8n.
 */
import type { INode, INodePropertyOptions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';

const nodes: Array<[string, INodeType]> = [
	['amoCRM', new AmoCrm()],
	['MoySklad', new MoySklad()],
	['Pyrus', new Pyrus()],
	['Bitrix24', new Bitrix24()],
];

/** The description n8n gives the node's tool variant (n8n's createAiTools). */
function toolVariant(description: INodeTypeDescription): INodeTypeDescription {
	const replacements = typeof description.usableAsTool === 'object' ? description.usableAsTool.replacements : {};
	return { ...description, ...replacements } as INodeTypeDescription;
}

/** Every resource with its operations, as the node's Resource and Operation options list them. */
function operations(description: INodeTypeDescription): Array<{ resource: string; operation: INodePropertyOptions }> {
	const resources = description.properties.find((p) => p.name === 'resource')!.options as INodePropertyOptions[];
	return resources.flatMap(({ value: resource }) => {
		const property = description.properties.find(
			(p) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[] | undefined)?.includes(String(resource)),
		);
		if (!property) throw new Error(`${description.name}: no operations for resource ${String(resource)}`);
		return (property.options as INodePropertyOptions[]).map((operation) => ({ resource: String(resource), operation }));
	});
}

describe.each(nodes)('%s as an AI Agent tool', (service, node) => {
	const { description } = node;

	test('is usable as a tool', () => {
		expect(description.usableAsTool).toBeTruthy();
	});

	test('its tool variant says what the tools do on the service, and promises no trigger', () => {
		const tool = toolVariant(description);
		expect(tool.description).toContain(description.displayName);
		expect(tool.description).toMatch(/\btasks\b/);
		expect(tool.description).toMatch(/\bcomments\b/);
		// The action node's own description also speaks for its trigger (node-panel.test.ts); a
		// tool starts no workflow.
		expect(tool.description).not.toMatch(/start workflows|trigger/i);
	});

	test('each operation, with the tool description "Set Automatically", tells the model what it does and where', () => {
		const described = operations(description).map(({ resource, operation }) => {
			const toolNode: INode = {
				id: 'tool',
				name: 'Tool',
				type: `n8n-nodes-crm-tasks.${description.name}Tool`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource, operation: String(operation.value) },
			};
			return NodeHelpers.getToolDescriptionForNode(toolNode, { ...node, description: toolVariant(description) } as INodeType);
		});
		for (const text of described) {
			// "<Verb> ... in <service>": the operation's action, not n8n's fallback "<operation> <resource>".
			expect(text).toMatch(new RegExp(`^[A-Z][a-z]+ .+ in ${service}$`));
		}
		expect(new Set(described).size).toBe(described.length);
	});
});
