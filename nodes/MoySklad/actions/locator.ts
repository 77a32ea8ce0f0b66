import type { TaskLocatorOptions } from '../../shared/descriptions';
import { UUID_PATTERN } from '../api';

/** Task links: the web UI's (…/app/#task/edit?id=<id>) or the API's (…/entity/task/<id>). */
export const MS_TASK_LOCATOR: Omit<TaskLocatorOptions, 'show'> = {
	searchListMethod: 'searchTasks',
	idRegex: `^${UUID_PATTERN}$`,
	urlRegex: `^https?://[^/]+/.*(?:#task/edit\\?id=|/entity/task/)(${UUID_PATTERN})(?:[/?#&]|$)`,
	urlPlaceholder: 'https://online.moysklad.ru/app/#task/edit?id=12a8b923-692c-11e6-8a84-bae500000053',
	idPlaceholder: '12a8b923-692c-11e6-8a84-bae500000053',
};
