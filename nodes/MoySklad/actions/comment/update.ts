import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest } from '../../api';
import { parseText, taskIdParameter } from '../fields';
import { noteIdParameter, noteIdProperty, noteTaskLocator, noteTextProperty, notesPath } from './common';

const show = { resource: ['comment'], operation: ['update'] };

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const noteId = noteIdParameter(this, itemIndex);
	const text = parseText(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex));
	const response = await msRequest<IDataObject>(this, 'PUT', `${notesPath(taskId)}/${noteId}`, {
		body: { text },
		itemIndex,
	});
	return response.body;
}

export const update: OperationModule = {
	description: [noteTaskLocator(show), noteIdProperty(show), noteTextProperty(show)],
	execute,
};
