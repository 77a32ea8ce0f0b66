import { statusOperation } from '../commands';

/** tasks.task.pause: answers with the whole task. */
export const pause = statusOperation('pause', 'tasks.task.pause', 'pause');
