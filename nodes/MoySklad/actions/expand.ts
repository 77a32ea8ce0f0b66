import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** References a task answer can carry inline (`expand`, depth 1 here). */
export const expandOption: INodeProperties = {
	displayName: 'Expand',
	name: 'expand',
	type: 'multiOptions',
	options: [
		{ name: 'Agent', value: 'agent' },
		{ name: 'Assignee', value: 'assignee' },
		{ name: 'Author', value: 'author' },
		{ name: 'Task Type', value: 'state' },
	],
	default: [],
	description:
		'References to return as full objects instead of links. In lists MoySklad honours this only for pages of up to 100 tasks, so the node then reads 100 at a time.',
};

/** The `expand` query of the options; empty when nothing is expanded. */
export function expandQuery(options: IDataObject): IDataObject {
	const expand = (options.expand as string[] | undefined) ?? [];
	return expand.length > 0 ? { expand: expand.join(',') } : {};
}
