import type { OperationMap } from '../../shared/execute';
import { create as createComment } from './comment/create';
import { getAll as getAllComments } from './comment/getAll';
import { complete } from './task/complete';
import { create as createTask } from './task/create';
import { get as getTask } from './task/get';
import { getAll as getAllTasks } from './task/getAll';
import { reopen } from './task/reopen';
import { update as updateTask } from './task/update';
import { getAll as getAllTaskTypes } from './taskType/getAll';

export const operations: OperationMap = {
	task: {
		get: getTask,
		getAll: getAllTasks,
		create: createTask,
		update: updateTask,
		complete,
		reopen,
	},
	comment: {
		create: createComment,
		getAll: getAllComments,
	},
	taskType: {
		getAll: getAllTaskTypes,
	},
};
