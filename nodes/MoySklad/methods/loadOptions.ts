import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { MS_MAX_PAGE, msList, msTaskStates } from '../api';

/** Active (not archived) employees, sorted by name. */
export async function getEmployees(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const employees = await msList(this, 'entity/employee', { returnAll: true, limit: 0, maxPageSize: MS_MAX_PAGE }, {
		filter: 'archived=false',
	});
	return employees
		.map((employee) => ({ name: String(employee.name ?? employee.uid ?? employee.id), value: String(employee.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Task types by id (create, update). */
export async function getTaskStates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await msTaskStates(this)).map((state) => ({ name: String(state.name), value: String(state.id) }));
}

/** Task types by name: the task list filters on `state.name`. */
export async function getTaskStateNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await msTaskStates(this)).map((state) => ({ name: String(state.name), value: String(state.name) }));
}
