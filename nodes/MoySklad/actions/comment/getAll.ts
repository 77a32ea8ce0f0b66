import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../shared/descriptions';
import type { OperationModule } from '../../../shared/execute';
import { requirePositiveInt } from '../../../shared/validation';
import { MS_MAX_NOTES_PAGE, msList } from '../../api';
import { inputContext, taskIdParameter } from '../fields';
import { noteTaskLocator, notesPath } from './common';

const show = { resource: ['comment'], operation: ['getAll'] };

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = taskIdParameter(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? 0
		: requirePositiveInt(inputContext(this, itemIndex), 'Limit', this.getNodeParameter('limit', itemIndex, 50));
	return await msList(this, notesPath(taskId), { returnAll, limit, maxPageSize: MS_MAX_NOTES_PAGE }, {}, itemIndex);
}

export const getAll: OperationModule = { description: [noteTaskLocator(show), ...returnAllAndLimit(show)], execute };
