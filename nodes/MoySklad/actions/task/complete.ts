import { setDoneOperation } from './setDone';

/** Marks tasks as done. */
export const complete = setDoneOperation('complete');
