import type { TaskLocatorOptions } from '../shared/descriptions';
import { UUID_PATTERN } from './api';

/** The API's link of a task, on any host (a local test server too): `…/entity/task/<id>`. */
const API_TASK_LINK = '[^/?#]+/(?:[^?#]*/)?entity/task/';
/**
 * A link to MoySklad's web app (`online.moysklad.ru/app/…`) that carries an id. MoySklad
 * documents no web-app route for tasks (no task of its «Задача» page has a `uuidHref`:
 * https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha), so any route is taken, except the
 * documented pages of other kinds of objects (`#customerorder/edit?id=…`,
 * `#productiontask/edit?id=…`; examples of https://dev.moysklad.ru/doc/api/remap/1.2/).
 */
const WEB_APP_LINK = '(?:[a-z0-9-]+\\.)*moysklad\\.ru(?::\\d+)?/app(?![^#]*#(?!task/)[a-z]+/edit\\?)[/?#].*?';

/** Task links for By URL: the web app's or the API's, the first id after them being the task's. */
export const MS_TASK_LOCATOR: Omit<TaskLocatorOptions, 'show'> = {
	searchListMethod: 'searchTasks',
	idRegex: `^${UUID_PATTERN}$`,
	urlRegex: `^https?://(?:${API_TASK_LINK}|${WEB_APP_LINK})(${UUID_PATTERN})(?:[^0-9a-fA-F-].*)?$`,
	urlPlaceholder: 'https://api.moysklad.ru/api/remap/1.2/entity/task/12a8b923-692c-11e6-8a84-bae500000053',
	idPlaceholder: '12a8b923-692c-11e6-8a84-bae500000053',
};
