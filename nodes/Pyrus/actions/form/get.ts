import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { parseNumericId } from '../../../shared/validation';
import { inputContext } from '../fields';
import { loadForm } from '../formFields';
import { formIdProperty } from '../task/fields';

const show = { resource: ['form'], operation: ['get'] };

const description: INodeProperties[] = [formIdProperty(show)];

/** One form template: its fields (with types and options) and steps. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const formId = parseNumericId(inputContext(this, itemIndex), 'Form', this.getNodeParameter('formId', itemIndex, ''));
	return (await loadForm(this, formId, itemIndex)) as unknown as IDataObject;
}

export const get: OperationModule = { description, execute };
