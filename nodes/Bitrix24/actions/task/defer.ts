import { statusOperation } from '../../write';

/** tasks.task.defer: answers with the whole task. */
export const defer = statusOperation('defer', 'tasks.task.defer', 'defer');
