import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest } from '../../api';
import { parseText, taskIdParameter } from '../fields';
import { noteTaskLocator, noteTextProperty, notesPath } from './common';

const show = { resource: ['comment'], operation: ['create'] };

/** Adds a comment; the API answers with an array holding the new note. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const text = parseText(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex));
	const response = await msRequest<unknown>(this, 'POST', notesPath(taskId), { body: { text }, itemIndex });
	const body = response.body;
	return (Array.isArray(body) ? body[0] : body) as IDataObject;
}

export const create: OperationModule = { description: [noteTaskLocator(show), noteTextProperty(show)], execute };
