import { statusOperation } from '../../write';

/** tasks.task.pause: answers with the whole task. */
export const pause = statusOperation('pause', 'tasks.task.pause', 'pause');
