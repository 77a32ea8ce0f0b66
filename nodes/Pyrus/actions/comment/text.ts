import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { textProperty } from '../../../shared/descriptions';
import { requireText } from '../../../shared/validation';
import { inputContext } from '../fields';

/** Text and its format, shared by Add and Edit. */
export function commentTextProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		textProperty(show),
		{
			displayName: 'Text Format',
			name: 'textFormat',
			type: 'options',
			options: [
				{ name: 'Plain Text', value: 'plain' },
				{ name: 'Formatted (HTML)', value: 'html', description: 'Pyrus\'s HTML subset: <b>, <i>, <a href>, <ul>/<li>, …' },
			],
			default: 'plain',
			displayOptions: { show },
		},
	];
}

/** `text` or `formatted_text` (Pyrus refuses both at once). */
export function commentTextBody(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const text = requireText(inputContext(ctx, itemIndex), 'Text', ctx.getNodeParameter('text', itemIndex, ''));
	const format = ctx.getNodeParameter('textFormat', itemIndex, 'plain') as string;
	return format === 'html' ? { formatted_text: text } : { text };
}

/** The comment a write produced: the edited one, or the newest. */
export function commentOutput(task: IDataObject, commentId?: number): IDataObject {
	const comments = (task.comments as IDataObject[] | undefined) ?? [];
	const comment = commentId === undefined ? comments[comments.length - 1] : comments.find((c) => Number(c.id) === commentId);
	return { ...(comment ?? {}), task_id: task.id };
}
