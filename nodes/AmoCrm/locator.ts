import type { TaskLocatorOptions } from '../shared/descriptions';

/** amoCRM task links: the API link (…/api/v4/tasks/123) or a link carrying task_id=123. */
export const AMO_TASK_LOCATOR: Omit<TaskLocatorOptions, 'show'> = {
	searchListMethod: 'searchTasks',
	idRegex: '^[0-9]+$',
	urlRegex: '^https?://[^/]+/(?:api/v4/tasks/|[^#]*[?&]task_id=)([0-9]+)(?:[/?#&]|$)',
	urlPlaceholder: 'https://mycompany.amocrm.ru/api/v4/tasks/12345',
};
