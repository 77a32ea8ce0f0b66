import { statusOperation } from '../../write';

/** tasks.task.disapprove: answers with the whole task. */
export const disapprove = statusOperation('disapprove', 'tasks.task.disapprove', 'send back for rework');
