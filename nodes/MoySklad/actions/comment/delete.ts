import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest } from '../../api';
import { taskIdParameter } from '../fields';
import { noteIdParameter, noteIdProperty, noteTaskLocator, notesPath } from './common';

const show = { resource: ['comment'], operation: ['delete'] };

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const noteId = noteIdParameter(this, itemIndex);
	await msRequest(this, 'DELETE', `${notesPath(taskId)}/${noteId}`, { itemIndex });
	return { deleted: true };
}

export const deleteComment: OperationModule = { description: [noteTaskLocator(show), noteIdProperty(show)], execute };
