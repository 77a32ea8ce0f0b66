import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest } from '../../api';
import { taskIdParameter } from '../fields';
import { noteIdParameter, noteIdProperty, noteTaskLocator, notesPath } from './common';

const show = { resource: ['comment'], operation: ['get'] };

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const noteId = noteIdParameter(this, itemIndex);
	const response = await msRequest<IDataObject>(this, 'GET', `${notesPath(taskId)}/${noteId}`, { itemIndex });
	return response.body;
}

export const get: OperationModule = { description: [noteTaskLocator(show), noteIdProperty(show)], execute };
