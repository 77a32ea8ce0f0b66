import { actionOperation } from './complete';

/** Reopens a closed task: a comment with action "reopened". */
export const reopen = actionOperation('reopen', 'reopened', 'Reopen a closed task (a comment with action "reopened")');
