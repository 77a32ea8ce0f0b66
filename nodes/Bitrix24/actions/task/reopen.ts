import { statusOperation } from '../../write';

/** tasks.task.renew: answers with the whole task. */
export const reopen = statusOperation('reopen', 'tasks.task.renew', 'reopen');
