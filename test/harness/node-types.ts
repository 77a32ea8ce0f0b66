/**
 * Node types the harness registers next to the package's own nodes, and the
 * `INodeTypes` registry handed to n8n-workflow's `Workflow`.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, jsonParse } from 'n8n-workflow';

/** Type name n8n-core's `getStartNode()` / the editor use for the Manual Trigger. */
export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
/** Harness-only node that emits the test's input items. */
export const ITEMS_NODE_TYPE = 'harness.items';

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

/**
 * A Manual Trigger as small as n8n's own: `getStartNode()` only accepts node types
 * that have a `trigger` (or `poll`/`webhook`) method, and in manual mode n8n-core runs
 * `trigger()` and waits for `manualTriggerFunction` to `emit`.
 */
export class HarnessManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow when the test starts it',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async trigger(this: import('n8n-workflow').ITriggerFunctions) {
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}

/**
 * Emits the items given as JSON in its `items` parameter (n8n's Set / Code nodes are
 * not installed). Every item is paired with the trigger's single item, as a Set node
 * would do; the node under test then pairs its own outputs with these items' indexes.
 */
export class HarnessItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Items',
		name: 'items',
		group: ['transform'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items (JSON)', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = typeof raw === 'string' ? jsonParse<IDataObject[]>(raw) : raw;
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

/** The `INodeTypes` registry: the test's node classes plus the two harness types. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types: NodeTypeMap;

	constructor(nodeTypes: NodeTypeMap) {
		this.types = {
			[MANUAL_TRIGGER_TYPE]: new HarnessManualTrigger(),
			[ITEMS_NODE_TYPE]: new HarnessItems(),
			...nodeTypes,
		};
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) {
			throw new Error(
				`harness: unknown node type "${nodeType}" (registered: ${Object.keys(this.types).join(', ')})`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}
