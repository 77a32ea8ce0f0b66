import type { OperationMap } from '../../shared/execute';
import { create as createComment } from './comment/create';
import { deleteComment } from './comment/delete';
import { get as getComment } from './comment/get';
import { getAll as getAllComments } from './comment/getAll';
import { update as updateComment } from './comment/update';
import { complete } from './task/complete';
import { create as createTask } from './task/create';
import { deleteTask } from './task/delete';
import { get as getTask } from './task/get';
import { getAll as getAllTasks } from './task/getAll';
import { reopen } from './task/reopen';
import { update as updateTask } from './task/update';
import { create as createTaskType } from './taskType/create';
import { deleteTaskType } from './taskType/delete';
import { getAll as getAllTaskTypes } from './taskType/getAll';
import { update as updateTaskType } from './taskType/update';

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
		get: getComment,
		getAll: getAllComments,
		create: createComment,
		update: updateComment,
		delete: deleteComment,
	},
	taskType: {
		getAll: getAllTaskTypes,
		create: createTaskType,
		update: updateTaskType,
		delete: deleteTaskType,
	},
};
