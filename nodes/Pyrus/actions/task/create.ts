import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { skipExistingProperties } from '../../../shared/alreadyCreated';
import type { OperationModule } from '../../../shared/execute';
import { collection, simplifyOption, textProperty } from '../../../shared/descriptions';
import { inputError } from '../../../shared/transport/errors';
import { parseNumericId, requireText } from '../../../shared/validation';
import { pyrusProfile, pyrusRequest } from '../../api';
import {
	answerTask,
	ATTACHMENTS_DESCRIPTION,
	attachmentsParameter,
	dueBody,
	dueOptions,
	inputContext,
	isSet,
	MEMBER_DESCRIPTION,
	personIdentity,
	personList,
	pyrusDateParameter,
	pyrusDateTimeParameter,
	taskOutput,
} from '../fields';
import { convertFields, fieldEntries, fieldValuesProperty, loadForm } from '../formFields';
import { findAlreadyCreatedTask } from './existing';
import { approvalSteps, commonCreateBody, formIdProperty, listIdsOption, memberOption, peopleOption } from './fields';

const show = { resource: ['task'], operation: ['create'] };
const simple = { '/taskKind': ['simple'] };
const form = { '/taskKind': ['form'] };

const description: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'taskKind',
		type: 'options',
		options: [
			{ name: 'Simple Task', value: 'simple', description: 'A task with a text, a responsible person and participants' },
			{ name: 'Form Task', value: 'form', description: 'A task from a form template, with fields and approval steps' },
		],
		default: 'simple',
		displayOptions: { show },
	},
	textProperty({ ...show, taskKind: ['simple'] }, 'What has to be done'),
	formIdProperty({ ...show, taskKind: ['form'] }),
	fieldValuesProperty('fields', { show: { ...show, taskKind: ['form'] } }),
	collection('additionalFields', { show }, [
		{
			displayName: 'Approvals (JSON)',
			name: 'approvals',
			type: 'json',
			default: '[[]]',
			description: 'Approvers per step, one array per step: [[1731], ["jane.doe@example.com"]]',
			displayOptions: { show: form },
		},
		{
			displayName: 'Attachments (JSON)',
			name: 'attachments',
			type: 'json',
			default: '[]',
			description: ATTACHMENTS_DESCRIPTION,
		},
		...dueOptions.map((option) => ({ ...option, displayOptions: { show: simple } })),
		{
			displayName: 'Fill Defaults',
			name: 'fillDefaults',
			type: 'boolean',
			default: false,
			description: 'Whether to fill the fields not given with the form\'s default values',
			displayOptions: { show: form },
		},
		listIdsOption('listIds', 'List Names or IDs'),
		{
			displayName: 'Parent Task ID',
			name: 'parentTaskId',
			type: 'string',
			default: '',
			description: 'Create the task as a subtask of this task',
		},
		{ ...peopleOption('participants', 'Participants'), displayOptions: { show: simple } },
		{ ...memberOption('responsible', 'Responsible Name or ID'), displayOptions: { show: simple } },
		{
			displayName: 'Scheduled Date',
			name: 'scheduledDate',
			type: 'dateTime',
			default: '',
			description: 'Postpone the task: it returns to the inbox on this date',
		},
		{
			displayName: 'Scheduled Time',
			name: 'scheduledTime',
			type: 'dateTime',
			default: '',
			description: 'Postpone the task to an exact moment. Not together with Scheduled Date.',
		},
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description: 'Title of the task; without one Pyrus uses the first line of the text',
			displayOptions: { show: simple },
		},
		peopleOption('subscribers', 'Subscribers', `${MEMBER_DESCRIPTION} Subscribers follow the task.`),
	]),
	...skipExistingProperties(show),
	simplifyOption(show),
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const kind = this.getNodeParameter('taskKind', itemIndex, 'simple') as 'simple' | 'form';
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const input = inputContext(this, itemIndex);
	const name = (field: string) => `Additional Fields → ${field}`;
	const body: IDataObject = commonCreateBody(this, itemIndex, fields, 'Additional Fields');
	if (isSet(fields.scheduledDate) && isSet(fields.scheduledTime)) {
		throw inputError(this.getNode(), name('Scheduled Time'), 'set either "Scheduled Date" or "Scheduled Time", not both', itemIndex);
	}
	if (isSet(fields.scheduledDate)) body.scheduled_date = pyrusDateParameter(this, itemIndex, name('Scheduled Date'), fields.scheduledDate);
	if (isSet(fields.scheduledTime)) {
		body.scheduled_datetime_utc = pyrusDateTimeParameter(this, itemIndex, name('Scheduled Time'), fields.scheduledTime);
	}
	if (isSet(fields.attachments)) body.attachments = attachmentsParameter(this, itemIndex, name('Attachments (JSON)'), fields.attachments);

	if (kind === 'simple') {
		body.text = requireText(input, 'Text', this.getNodeParameter('text', itemIndex, ''));
		if (isSet(fields.subject)) body.subject = String(fields.subject);
		if (isSet(fields.responsible)) body.responsible = personIdentity(this, itemIndex, name('Responsible'), fields.responsible);
		if (isSet(fields.participants)) body.participants = personList(this, itemIndex, name('Participants'), fields.participants);
		Object.assign(body, dueBody(this, itemIndex, fields, 'Additional Fields'));
	} else {
		const formId = parseNumericId(input, 'Form', this.getNodeParameter('formId', itemIndex, ''));
		body.form_id = formId;
		if (isSet(fields.approvals)) body.approvals = approvalSteps(this, itemIndex, name('Approvals (JSON)'), fields.approvals);
		if (fields.fillDefaults === true) body.fill_defaults = true;
		const entries = fieldEntries(this.getNodeParameter('fields', itemIndex, {}));
		if (entries.length) {
			// Names and values need the form's schema: read before anything is written.
			const schema = await loadForm(this, formId, itemIndex);
			body.fields = convertFields(this, itemIndex, 'Fields', schema, entries);
		}
	}
	const existing = await findAlreadyCreatedTask(this, itemIndex, body);
	if (existing) return { ...(await taskOutput(this, itemIndex, existing)), alreadyCreated: true };
	const answer = await pyrusRequest.call(this, 'POST', '/tasks', { body, itemIndex });
	return await taskOutput(this, itemIndex, answerTask(this, itemIndex, answer));
}

/**
 * Pyrus has no bulk create: one request a task. With "Continue On Fail" the items go out as many
 * at a time as the governor lets one account have in flight (each answer still maps to its item);
 * with "Skip Tasks Already Created" one after another, as each item's look-up may meet the tasks
 * the items before it created.
 */
function concurrency(this: IExecuteFunctions): number {
	const skipExisting = this.getNode().parameters.skipExisting;
	return skipExisting === undefined || skipExisting === false ? pyrusProfile.rateLimit.maxInFlight : 1;
}

export const create: OperationModule = {
	description,
	pickerDescription: 'Create a simple task or a task from a form',
	execute,
	concurrency,
};
