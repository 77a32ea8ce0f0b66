/**
 * The scopes (permissions of a webhook or application) the node's operations need. Sources:
 * the «Scope:» line of each method page on apidocs.bitrix24.com (tasks.task.* and
 * task.commentitem.*: `task`; user.get: `user`; sonet_group.get: `sonet_group`;
 * im.dialog.messages.get: `im`; the REST 3.0 tasks.task.chat.message.send: `tasks`) and
 * https://apidocs.bitrix24.com/api-reference/scopes/permissions.html (`basic` methods such as `scope`
 * and `batch` need none).
 */
export interface B24ScopeNeed {
	scope: string;
	/** Scopes that grant the same methods (`user_basic` reads users as `user` does). */
	alternatives: string[];
	/** What needs it, as the user sees the node. */
	operations: string;
}

export const B24_SCOPE_NEEDS: readonly B24ScopeNeed[] = [
	{ scope: 'task', alternatives: [], operations: 'every task operation, classic comments, task fields, the trigger' },
	{ scope: 'tasks', alternatives: [], operations: 'Comment → Create on a task with a chat, new task card' },
	{ scope: 'user', alternatives: ['user_basic', 'user_brief'], operations: 'the user lists' },
	{ scope: 'sonet_group', alternatives: ['socialnetwork'], operations: 'the Group lists' },
	{ scope: 'im', alternatives: [], operations: 'Comment → Get Many on a task with a chat, new task card' },
];

const needOf = (scope: string) => B24_SCOPE_NEEDS.find((need) => need.scope === scope)!;

/** The scope a REST method needs; undefined for `basic` methods. */
export function scopeOfMethod(method: string, v3 = false): B24ScopeNeed | undefined {
	const name = method.toLowerCase();
	if (v3) return name === 'tasks.task.chat.message.send' ? needOf('tasks') : undefined;
	if (name.startsWith('tasks.task.') || name.startsWith('task.')) return needOf('task');
	if (name.startsWith('user.')) return needOf('user');
	if (name.startsWith('sonet_group.')) return needOf('sonet_group');
	if (name.startsWith('im.')) return needOf('im');
	return undefined;
}

/** The needs a list of granted scopes (the `scope` method's answer) leaves unmet, in the order above. */
export function missingScopes(granted: readonly string[]): B24ScopeNeed[] {
	const have = new Set(granted.map((scope) => scope.toLowerCase()));
	return B24_SCOPE_NEEDS.filter((need) => ![need.scope, ...need.alternatives].some((scope) => have.has(scope)));
}

/** "task (every task operation…), tasks (…), …": the scope list of help texts. */
export function scopeList(): string {
	return B24_SCOPE_NEEDS.map((need) => `${need.scope} (${need.operations})`).join(', ');
}
