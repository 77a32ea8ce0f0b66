import { statusOperation } from '../../write';

/** tasks.task.complete: answers with the whole task. */
export const complete = statusOperation('complete', 'tasks.task.complete', 'complete');
