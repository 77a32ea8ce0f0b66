import { statusOperation } from '../../write';

/** tasks.task.approve: answers with the whole task. */
export const approve = statusOperation('approve', 'tasks.task.approve', 'approve');
