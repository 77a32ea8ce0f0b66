import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemResult } from '../../../shared/execute';
import { inputError } from '../../../shared/transport/errors';
import { parseColor, stateOutput } from '../../api';
import type { BulkCall } from '../../write';
import { parseUuid } from '../fields';

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/** Path of the task types (task states) collection. */
export const STATES_PATH = 'entity/task/metadata/states';

/**
 * Task type creates and updates: "Массовое создание и обновление Типов задач",
 * https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha.
 */
export const STATE_WRITES: BulkCall = { path: STATES_PATH, what: 'task type' };

/** The results of a bulk write of task types, each with its colour also as #RRGGBB. */
export function stateOutputs(results: ItemResult[]): ItemResult[] {
	return results.map((result) => (result instanceof Error || Array.isArray(result) ? result : stateOutput(result)));
}

export function stateIdProperty(show: Show): INodeProperties {
	return {
		displayName: 'Task Type Name or ID',
		name: 'taskTypeId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTaskStates' },
		default: '',
		required: true,
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show },
	};
}

export const colorDescription = 'As #RRGGBB (e.g. #A2C617) or as MoySklad\'s ARGB integer (e.g. 10667543)';

export function stateIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return parseUuid(ctx, itemIndex, 'Task Type', ctx.getNodeParameter('taskTypeId', itemIndex, ''));
}

/** A colour parameter as the API's integer. */
export function colorParameter(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): number {
	const color = parseColor(value);
	if (color === undefined) {
		throw inputError(ctx.getNode(), parameter, `"${String(value ?? '')}" is not a colour: use #RRGGBB or a whole number`, itemIndex);
	}
	return color;
}

/** A task type name: not empty, at most 255 characters. */
export function stateName(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (name === '' || name.length > 255) {
		throw inputError(ctx.getNode(), parameter, 'must be a text of 1 to 255 characters', itemIndex);
	}
	return name;
}
