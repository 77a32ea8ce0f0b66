import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { collection, simplifyOption, taskLocator } from '../../../shared/descriptions';
import { inputError } from '../../../shared/transport/errors';
import { parseNumericIdList } from '../../../shared/validation';
import {
	ATTACHMENTS_DESCRIPTION,
	attachmentsParameter,
	dueBody,
	dueOptions,
	inputContext,
	isSet,
	MEMBER_DESCRIPTION,
	personIdentity,
	personList,
	taskIdParameter,
	taskOutput,
} from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';
import { convertFields, fieldEntries, fieldValuesProperty, loadForm } from '../formFields';
import { postComment } from './comment';
import { listIdsOption, memberOption, minutes, peopleOption } from './fields';
import { readTask } from './get';

const show = { resource: ['task'], operation: ['update'] };

const description: INodeProperties[] = [
	taskLocator({ ...PYRUS_TASK_LOCATOR, show }),
	{
		displayName: 'Pyrus changes a task through a comment: the changes below are posted as one comment on the task.',
		name: 'updateNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	collection('updateFields', { show }, [
		peopleOption('participantsAdded', 'Add Participants', `${MEMBER_DESCRIPTION} Simple tasks only.`),
		peopleOption('subscribersAdded', 'Add Subscribers'),
		listIdsOption('listsAdded', 'Add to List Names or IDs'),
		{
			displayName: 'Approval Choice',
			name: 'approvalChoice',
			type: 'options',
			options: [
				{ name: 'Acknowledged', value: 'acknowledged' },
				{ name: 'Approved', value: 'approved' },
				{ name: 'Rejected', value: 'rejected' },
				{ name: 'Revoked', value: 'revoked' },
			],
			default: 'approved',
			description: 'Your decision on the current approval step (form tasks)',
		},
		{
			displayName: 'Attachments (JSON)',
			name: 'attachments',
			type: 'json',
			default: '[]',
			description: ATTACHMENTS_DESCRIPTION,
		},
		{
			displayName: 'Cancel Due',
			name: 'cancelDue',
			type: 'boolean',
			default: false,
			description: 'Whether to remove the task\'s deadline',
		},
		{
			displayName: 'Comment Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
		},
		...dueOptions,
		peopleOption('participantsRemoved', 'Remove Participants', `${MEMBER_DESCRIPTION} Simple tasks only.`),
		peopleOption('subscribersRemoved', 'Remove Subscribers'),
		listIdsOption('listsRemoved', 'Remove From List Names or IDs'),
		memberOption('reassignTo', 'Reassign To Name or ID'),
		{
			displayName: 'Skip Notification',
			name: 'skipNotification',
			type: 'boolean',
			default: false,
			description: 'Whether to post the change without notifying the participants',
		},
		{
			displayName: 'Spent Minutes',
			name: 'spentMinutes',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 1 },
			description: 'Time spent on the task, in minutes',
		},
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description: 'New title. Simple tasks only: a form task\'s title comes from its form.',
		},
	]),
	fieldValuesProperty('fieldUpdates', { show }),
	simplifyOption(show),
];

/** The comment body of the "Update Fields" collection. */
function changesBody(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject): IDataObject {
	const input = inputContext(ctx, itemIndex);
	const name = (field: string) => `Update Fields → ${field}`;
	const body: IDataObject = {};
	if (isSet(fields.text)) body.text = String(fields.text);
	if (isSet(fields.subject)) body.subject = String(fields.subject);
	if (fields.cancelDue === true) {
		if (isSet(fields.due) || isSet(fields.dueDate)) {
			throw inputError(ctx.getNode(), name('Cancel Due'), 'cannot be combined with a new "Due" or "Due Date"', itemIndex);
		}
		body.cancel_due = true;
	}
	Object.assign(body, dueBody(ctx, itemIndex, fields, 'Update Fields'));
	if (isSet(fields.reassignTo)) body.reassign_to = personIdentity(ctx, itemIndex, name('Reassign To'), fields.reassignTo);
	const people: Array<[string, string, string]> = [
		['participantsAdded', 'participants_added', 'Add Participants'],
		['participantsRemoved', 'participants_removed', 'Remove Participants'],
		['subscribersAdded', 'subscribers_added', 'Add Subscribers'],
		['subscribersRemoved', 'subscribers_removed', 'Remove Subscribers'],
	];
	for (const [key, apiKey, label] of people) {
		if (isSet(fields[key])) body[apiKey] = personList(ctx, itemIndex, name(label), fields[key]);
	}
	const added = parseNumericIdList(input, name('Add to Lists'), fields.listsAdded);
	const removed = parseNumericIdList(input, name('Remove From Lists'), fields.listsRemoved);
	if (added.length) body.added_list_ids = added;
	if (removed.length) body.removed_list_ids = removed;
	if (isSet(fields.approvalChoice)) body.approval_choice = fields.approvalChoice;
	if (fields.spentMinutes !== undefined) body.spent_minutes = minutes(ctx, itemIndex, name('Spent Minutes'), fields.spentMinutes);
	if (fields.skipNotification === true) body.skip_notification = true;
	if (isSet(fields.attachments)) body.attachments = attachmentsParameter(ctx, itemIndex, name('Attachments (JSON)'), fields.attachments);
	return body;
}

/**
 * Changes the Pyrus tasks page (https://pyrus.com/ru/help/api/tasks) marks «Применимо только для простой
 * задачи»: body key and option name.
 */
const SIMPLE_TASK_ONLY: Array<[string, string]> = [
	['subject', 'Subject'],
	['participants_added', 'Add Participants'],
	['participants_removed', 'Remove Participants'],
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const body = changesBody(this, itemIndex, this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
	const entries = fieldEntries(this.getNodeParameter('fieldUpdates', itemIndex, {}));
	if (Object.keys(body).length === 0 && entries.length === 0) {
		throw inputError(this.getNode(), 'Update Fields', 'add at least one change', itemIndex);
	}
	const simpleOnly = SIMPLE_TASK_ONLY.filter(([key]) => body[key] !== undefined);
	if (entries.length || simpleOnly.length) {
		// Form fields follow the task's form, and some changes apply to one kind of task only:
		// read the task before posting.
		const task = await readTask(this, taskId, itemIndex);
		const isFormTask = task.form_id !== undefined;
		if (isFormTask && simpleOnly.length) {
			// What Pyrus does with them on a form task is not documented (refused or dropped).
			throw inputError(
				this.getNode(),
				`Update Fields → ${simpleOnly[0][1]}`,
				`applies to simple tasks only; task ${taskId} is a form task`,
				itemIndex,
			);
		}
		if (entries.length) {
			if (!isFormTask) {
				throw inputError(this.getNode(), 'Fields', `task ${taskId} is a simple task and has no form fields`, itemIndex);
			}
			const schema = await loadForm(this, Number(task.form_id), itemIndex);
			body.field_updates = convertFields(this, itemIndex, 'Fields', schema, entries, task);
		}
	}
	if (body.skip_notification === true && Object.keys(body).length === 1) {
		throw inputError(this.getNode(), 'Update Fields', 'add a change besides "Skip Notification"', itemIndex);
	}
	return await taskOutput(this, itemIndex, await postComment(this, taskId, body, itemIndex));
}

export const update: OperationModule = { description, pickerDescription: 'Change a task through a comment', execute };
