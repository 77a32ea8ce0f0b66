import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { inputError } from '../../../shared/transport/errors';
import { b24Call } from '../../api';
import { B24_META_STATUSES, B24_PRIORITIES, B24_STATUSES } from '../../shape';

const show = { resource: ['taskType'], operation: ['getAll'] };

const description: INodeProperties[] = [
	{
		displayName: 'List',
		name: 'list',
		type: 'options',
		options: [
			{ name: 'Statuses', value: 'statuses', description: 'Task statuses and meta-statuses (fixed by Bitrix24)' },
			{ name: 'Priorities', value: 'priorities', description: 'Task priorities (fixed by Bitrix24)' },
			{ name: 'Fields', value: 'fields', description: 'Task fields of this portal, custom UF_ fields included' },
		],
		default: 'statuses',
		displayOptions: { show },
	},
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const list = String(this.getNodeParameter('list', itemIndex, 'statuses'));
	if (list === 'statuses') {
		return [
			...Object.entries(B24_STATUSES).map(([id, name]) => ({ id, name, meta: false, legacy: id === '1' || id === '7' })),
			...Object.entries(B24_META_STATUSES).map(([id, name]) => ({ id, name, meta: true, legacy: false })),
		];
	}
	if (list === 'priorities') return Object.entries(B24_PRIORITIES).map(([id, name]) => ({ id, name }));
	if (list !== 'fields') {
		throw inputError(this.getNode(), 'List', `"${list}" is not a list: use statuses, priorities or fields`, itemIndex);
	}
	const envelope = await b24Call(this, 'tasks.task.getFields', {}, { read: true, itemIndex });
	const fields = ((envelope.result as IDataObject | undefined)?.fields as IDataObject | undefined) ?? {};
	return Object.entries(fields).map(([code, field]) => ({ code, ...(field as IDataObject) }));
}

export const getAll: OperationModule = {
	description,
	pickerDescription: "Get statuses, priorities or the portal's task fields",
	execute,
};
