import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { collection, returnAllAndLimit, returnAllAndLimitValues, taskLocator } from '../../../shared/descriptions';
import { amoList } from '../../list';
import { taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../../locator';
import { linkedEntity } from './linkedEntity';

const show = { resource: ['comment'], operation: ['getAll'] };

const description: INodeProperties[] = [
	taskLocator({ ...AMO_TASK_LOCATOR, show }),
	...returnAllAndLimit(show),
	collection('options', { show }, [
		{
			displayName: 'Include Task Result',
			name: 'includeResult',
			type: 'boolean',
			default: false,
			description: 'Whether to add the task\'s result text as a first item (note_type "task_result")',
		},
	]),
];

/** Notes of the task's linked entity, newest last, as amoCRM lists them. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = taskIdParameter(this, itemIndex);
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const entity = await linkedEntity(this, taskId, itemIndex);

	const notes = await amoList(this, `/${entity.type}/${entity.id}/notes`, 'notes', { returnAll, limit }, {}, itemIndex);
	const out: IDataObject[] = notes.map((note) => ({ ...note, task_id: taskId, entity_type: entity.type }));
	if (options.includeResult && entity.resultText !== null) {
		out.unshift({ note_type: 'task_result', task_id: taskId, params: { text: entity.resultText } });
	}
	// The result counts toward Limit like any note.
	return returnAll ? out : out.slice(0, limit);
}

export const getAll: OperationModule = {
	description,
	pickerDescription: 'Get the notes of the lead, contact or company the task belongs to',
	execute,
};
