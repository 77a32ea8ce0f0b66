import { statusOperation } from '../commands';

/** tasks.task.start: answers with the whole task. */
export const start = statusOperation('start', 'tasks.task.start', 'start');
