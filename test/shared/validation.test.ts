import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import {
	checkValue,
	parseJsonParameter,
	parseNumericId,
	parseNumericIdList,
	requirePositiveInt,
	requireText,
} from '../../nodes/shared/validation';

const node: INode = {
	id: 'node-1',
	name: 'Node',
	type: 'n8n-nodes-crm-tasks.test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const context = { node, itemIndex: 2 };

const notes = z.array(
	z.object({
		note_type: z.enum(['common', 'call_in']),
		params: z.object({ text: z.string() }),
	}),
);

/** The NodeOperationError `run` throws. */
function caught(run: () => unknown): NodeOperationError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(NodeOperationError);
		return error as NodeOperationError;
	}
	throw new Error('expected an error');
}

describe('parseJsonParameter', () => {
	it('parses JSON text and returns the checked value', () => {
		expect(parseJsonParameter(context, 'Fields', '[{"note_type":"common","params":{"text":"hi"}}]', notes)).toEqual([
			{ note_type: 'common', params: { text: 'hi' } },
		]);
	});

	it('takes a value that is already an object (a JSON parameter from an expression)', () => {
		expect(parseJsonParameter(context, 'Fields', [{ note_type: 'call_in', params: { text: 'x' } }], notes)).toEqual([
			{ note_type: 'call_in', params: { text: 'x' } },
		]);
	});

	it('names the parameter when the text is not JSON, and keeps the item index', () => {
		const error = caught(() => parseJsonParameter(context, 'Fields', '[{"params": }]', notes));

		expect(error.message).toMatch(/^Parameter "Fields": is not valid JSON \(.+\)$/);
		expect(error.context.itemIndex).toBe(2);
	});

	it('names the parameter and the path inside it for a schema error', () => {
		const error = caught(() => parseJsonParameter(context, 'Fields', '[{"note_type":"common","params":{}}]', notes));

		expect(error.message).toBe('Parameter "Fields": at "0.params.text": Required');
		expect(error.context.itemIndex).toBe(2);
	});

	it('lists several problems, each with its path', () => {
		const error = caught(() =>
			parseJsonParameter(context, 'Fields', [{ note_type: 'sms', params: { text: 5 } }, {}], notes),
		);

		expect(error.message).toBe(
			'Parameter "Fields": at "0.note_type": Invalid enum value. Expected \'common\' | \'call_in\', received \'sms\'; ' +
				'at "0.params.text": Expected string, received number; ' +
				'at "1.note_type": Required; at "1.params": Required',
		);
	});

	it('keeps the message short when there are many problems (five at most)', () => {
		const error = caught(() => parseJsonParameter(context, 'Fields', [{}, {}, {}, {}], notes));

		expect(error.message.split('; ')).toHaveLength(5);
	});

	it('gives a problem with the whole value without a path', () => {
		const error = caught(() => parseJsonParameter(context, 'Fields', '{"note_type":"common"}', notes));

		expect(error.message).toBe('Parameter "Fields": Expected array, received object');
	});
});

describe('checkValue', () => {
	it('returns the parsed value, with zod defaults and transforms applied', () => {
		const schema = z.object({ limit: z.number().default(50), id: z.string().transform(Number) });

		expect(checkValue(context, 'Options', { id: '7' }, schema)).toEqual({ limit: 50, id: 7 });
	});

	it('names the parameter and the path', () => {
		const error = caught(() => checkValue(context, 'Options', { limit: 'x', id: '1' }, z.object({ limit: z.number(), id: z.string() })));

		expect(error.message).toBe('Parameter "Options": at "limit": Expected number, received string');
	});
});

describe('parseNumericId', () => {
	it('accepts positive whole numbers as numbers or digit strings', () => {
		expect(parseNumericId(context, 'Task ID', 42)).toBe(42);
		expect(parseNumericId(context, 'Task ID', '42')).toBe(42);
		expect(parseNumericId(context, 'Task ID', ' 1000001 ')).toBe(1000001);
	});

	it.each([['abc'], ['0'], [0], ['-5'], [-5], ['1.5'], [1.5], ['9007199254740993'], [''], [null], [undefined], ['12abc']])(
		'refuses %p naming the parameter',
		(value) => {
			const error = caught(() => parseNumericId(context, 'Task ID', value));

			expect(error.message).toBe(
				`Parameter "Task ID": "${String(value ?? '')}" is not a valid id: expected a positive whole number`,
			);
			expect(error.context.itemIndex).toBe(2);
		},
	);
});

describe('parseNumericIdList', () => {
	it('reads comma-separated text, arrays and single values', () => {
		expect(parseNumericIdList(context, 'Task IDs', '1, 2,,3 ')).toEqual([1, 2, 3]);
		expect(parseNumericIdList(context, 'Task IDs', [4, '5'])).toEqual([4, 5]);
		expect(parseNumericIdList(context, 'Task IDs', 6)).toEqual([6]);
		expect(parseNumericIdList(context, 'Task IDs', '')).toEqual([]);
		expect(parseNumericIdList(context, 'Task IDs', undefined)).toEqual([]);
		expect(parseNumericIdList(context, 'Task IDs', null)).toEqual([]);
	});

	it('names the bad element', () => {
		expect(() => parseNumericIdList(context, 'Task IDs', '1, x, 3')).toThrow(
			'Parameter "Task IDs": "x" is not a valid id: expected a positive whole number',
		);
	});
});

describe('requireText', () => {
	it('returns non-empty text as it is', () => {
		expect(requireText(context, 'Text', ' Call back ')).toBe(' Call back ');
	});

	it.each([[''], ['   '], [undefined], [5]])('refuses %p', (value) => {
		expect(() => requireText(context, 'Text', value)).toThrow('Parameter "Text": is required and must not be empty');
	});
});

describe('requirePositiveInt', () => {
	it('accepts whole numbers from 1 up to the maximum, as numbers or text', () => {
		expect(requirePositiveInt(context, 'Limit', 1, 250)).toBe(1);
		expect(requirePositiveInt(context, 'Limit', '250', 250)).toBe(250);
		expect(requirePositiveInt(context, 'Limit', 10_000)).toBe(10_000);
	});

	it('refuses values out of range or not whole, saying the range', () => {
		expect(() => requirePositiveInt(context, 'Limit', 251, 250)).toThrow(
			'Parameter "Limit": must be a whole number from 1 to 250, got "251"',
		);
		expect(() => requirePositiveInt(context, 'Limit', 0)).toThrow(
			'Parameter "Limit": must be a whole number from 1 up, got "0"',
		);
		expect(() => requirePositiveInt(context, 'Limit', 2.5)).toThrow('got "2.5"');
		expect(() => requirePositiveInt(context, 'Limit', '')).toThrow('got ""');
		expect(() => requirePositiveInt(context, 'Limit', 'ten')).toThrow('got "ten"');
	});
});
