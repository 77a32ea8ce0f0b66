import type { TaskLocatorOptions } from '../shared/descriptions';

/** Pyrus task links: https://pyrus.com/t#id12345 (cloud or an on-premise host); From List: the inbox. */
export const PYRUS_TASK_LOCATOR: Omit<TaskLocatorOptions, 'show'> = {
	searchListMethod: 'searchTasks',
	idRegex: '^[0-9]+$',
	urlRegex: '^https?://[^#]+#id([0-9]+)',
	urlPlaceholder: 'https://pyrus.com/t#id12345',
};
