import type { TaskLocatorOptions } from '../shared/descriptions';

/** Task links of the web UI: …/tasks/task/view/123/ (personal or group task). */
export const B24_TASK_LOCATOR: Omit<TaskLocatorOptions, 'show'> = {
	searchListMethod: 'searchTasks',
	idRegex: '^[0-9]+$',
	urlRegex: '^https?://[^/]+/.*/tasks/task/(?:view|edit)/([0-9]+)(?:[/?#]|$)',
	urlPlaceholder: 'https://your-portal.bitrix24.com/company/personal/user/1/tasks/task/view/123/',
};
