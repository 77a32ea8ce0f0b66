import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { returnAllAndLimit, returnAllAndLimitValues } from '../../../shared/descriptions';
import type { OperationModule } from '../../../shared/execute';
import { MS_MAX_NOTES_PAGE, msList } from '../../api';
import { taskIdParameter } from '../fields';
import { noteTaskLocator, notesPath } from './common';

const show = { resource: ['comment'], operation: ['getAll'] };

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = taskIdParameter(this, itemIndex);
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	return await msList(this, notesPath(taskId), { returnAll, limit, maxPageSize: MS_MAX_NOTES_PAGE }, {}, itemIndex);
}

export const getAll: OperationModule = { description: [noteTaskLocator(show), ...returnAllAndLimit(show)], execute };
