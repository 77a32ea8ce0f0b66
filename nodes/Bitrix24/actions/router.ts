import type { OperationMap } from '../../shared/execute';
import { create as createComment } from './comment/create';
import { getAll as getAllComments } from './comment/getAll';
import { approve } from './task/approve';
import { complete } from './task/complete';
import { create as createTask } from './task/create';
import { defer } from './task/defer';
import { delegate } from './task/delegate';
import { deleteTask } from './task/delete';
import { disapprove } from './task/disapprove';
import { get as getTask } from './task/get';
import { getAll as getAllTasks } from './task/getAll';
import { pause } from './task/pause';
import { reopen } from './task/reopen';
import { start } from './task/start';
import { update as updateTask } from './task/update';
import { getAll as getAllTaskTypes } from './taskType/getAll';

export const operations: OperationMap = {
	task: {
		get: getTask,
		getAll: getAllTasks,
		create: createTask,
		update: updateTask,
		delete: deleteTask,
		complete,
		reopen,
		start,
		pause,
		defer,
		delegate,
		approve,
		disapprove,
	},
	comment: {
		create: createComment,
		getAll: getAllComments,
	},
	taskType: {
		getAll: getAllTaskTypes,
	},
};
