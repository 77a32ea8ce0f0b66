import type { OperationMap } from '../../shared/execute';
import { create as createComment } from './comment/create';
import { getAll as getAllComments } from './comment/getAll';
import { update as updateComment } from './comment/update';
import { get as getForm } from './form/get';
import { getAll as getAllForms } from './form/getAll';
import { getAll as getAllLists } from './list/getAll';
import { complete } from './task/complete';
import { create as createTask } from './task/create';
import { deleteTask } from './task/delete';
import { get as getTask } from './task/get';
import { getAll as getAllTasks } from './task/getAll';
import { reopen } from './task/reopen';
import { update as updateTask } from './task/update';

export const operations: OperationMap = {
	task: {
		get: getTask,
		getAll: getAllTasks,
		create: createTask,
		update: updateTask,
		complete,
		reopen,
		delete: deleteTask,
	},
	comment: {
		create: createComment,
		getAll: getAllComments,
		update: updateComment,
	},
	form: {
		get: getForm,
		getAll: getAllForms,
	},
	list: {
		getAll: getAllLists,
	},
};
