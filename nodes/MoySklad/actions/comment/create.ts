import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { describeErrors, msRequest, vendorErrors } from '../../api';
import { parseText, taskIdParameter } from '../fields';
import { noteTaskLocator, noteTextProperty, notesPath } from './common';

const show = { resource: ['comment'], operation: ['create'] };

/** Adds a comment; the API answers with an array holding the new note. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const text = parseText(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex));
	const response = await msRequest<unknown>(this, 'POST', notesPath(taskId), { body: { text }, itemIndex });
	const note = (Array.isArray(response.body) ? response.body[0] : response.body) as IDataObject | undefined;
	const errors = vendorErrors(note);
	if (errors.length > 0) {
		throw new NodeApiError(this.getNode(), note as JsonObject, {
			message: `MoySklad rejected this comment: ${describeErrors(errors)}`,
			itemIndex,
		});
	}
	return note ?? {};
}

export const create: OperationModule = { description: [noteTaskLocator(show), noteTextProperty(show)], execute };
