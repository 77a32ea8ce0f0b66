/** The common task shape's helpers, and amoCRM's mapping into it. */
import { simplifyAmoTask } from '../../nodes/AmoCrm/api';
import { idString } from '../../nodes/shared/taskShape';

describe('common task shape', () => {
	it('writes ids as strings and missing ids as null', () => {
		expect(idString(504141)).toBe('504141');
		expect(idString('77')).toBe('77');
		expect(idString(0)).toBeNull();
		expect(idString('')).toBeNull();
		expect(idString(null)).toBeNull();
		expect(idString(undefined)).toBeNull();
	});

	it('maps an amoCRM task with every key of the shape, times in the workflow zone', () => {
		const task = simplifyAmoTask(
			{
				id: 56981,
				created_by: 54224,
				created_at: 1575910123,
				updated_at: 1576767989,
				responsible_user_id: 123123,
				entity_id: 180765,
				entity_type: 'leads',
				is_completed: true,
				task_type_id: 2,
				text: 'Arrange a meeting\nwith the client',
				result: { text: 'Done' },
				complete_till: 1575910423,
			},
			'https://example.amocrm.ru',
			'Asia/Yekaterinburg',
		);
		expect(task).toEqual({
			vendor: 'amoCrm',
			id: '56981',
			title: 'Arrange a meeting',
			text: 'Arrange a meeting\nwith the client',
			status: 'completed',
			vendorStatus: 'completed',
			responsibleId: '123123',
			authorId: '54224',
			typeId: '2',
			dueAt: '2019-12-09T21:53:43+05:00',
			createdAt: '2019-12-09T21:48:43+05:00',
			updatedAt: '2019-12-19T20:06:29+05:00',
			completedAt: '2019-12-19T20:06:29+05:00',
			entity: { type: 'leads', id: '180765' },
			url: 'https://example.amocrm.ru/leads/detail/180765',
			resultText: 'Done',
		});
	});
});
