import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { pyrusRequest } from '../../api';

const show = { resource: ['list'], operation: ['getAll'] };

const description: INodeProperties[] = [
	{
		displayName: 'Flatten',
		name: 'flatten',
		type: 'boolean',
		default: true,
		description: 'Whether to return nested lists as items of their own (with their parent\'s ID) instead of a tree',
		displayOptions: { show },
	},
];

/** Lists form a tree: each with its `children`. */
export function flattenLists(lists: IDataObject[], parentId?: unknown): IDataObject[] {
	return lists.flatMap(({ children, ...list }) => [
		{ ...list, ...(parentId === undefined ? {} : { parent_id: parentId }) },
		...flattenLists((children as IDataObject[] | undefined) ?? [], list.id),
	]);
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const flatten = this.getNodeParameter('flatten', itemIndex, true) as boolean;
	const body = await pyrusRequest.call(this, 'GET', '/lists', { itemIndex });
	const lists = (body.lists as IDataObject[] | undefined) ?? [];
	return flatten ? flattenLists(lists) : lists;
}

export const getAll: OperationModule = { description, execute };
