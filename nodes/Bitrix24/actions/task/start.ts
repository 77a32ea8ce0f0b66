import { statusOperation } from '../../write';

/** tasks.task.start: answers with the whole task. */
export const start = statusOperation('start', 'tasks.task.start', 'start');
