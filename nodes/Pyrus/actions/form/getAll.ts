import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { pyrusRequest } from '../../api';

const show = { resource: ['form'], operation: ['getAll'] };

const description: INodeProperties[] = [
	{
		displayName: 'Include Closed',
		name: 'includeClosed',
		type: 'boolean',
		default: false,
		description: 'Whether to include deleted or closed forms',
		displayOptions: { show },
	},
];

/** The forms the credential's user or bot manages or is a member of. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const includeClosed = this.getNodeParameter('includeClosed', itemIndex, false) as boolean;
	const body = await pyrusRequest.call(this, 'GET', '/forms', { itemIndex });
	const forms = (body.forms as IDataObject[] | undefined) ?? [];
	return includeClosed ? forms : forms.filter((form) => form.deleted_or_closed !== true);
}

export const getAll: OperationModule = { description, execute };
