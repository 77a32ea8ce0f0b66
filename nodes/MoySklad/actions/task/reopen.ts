import { setDoneOperation } from './setDone';

/** Marks completed tasks as open again. */
export const reopen = setDoneOperation('reopen');
