/** One condition of MoySklad's `filter` parameter; a `;` inside the value is escaped. */
export function condition(field: string, operator: string, value: string): string {
	return `${field}${operator}${value.replace(/;/g, '\\;')}`;
}

/** The `filter` conditions for a done state: the API's default list hides completed tasks. */
export function doneConditions(status: 'open' | 'completed' | 'all'): string[] {
	if (status === 'open') return ['done=false'];
	if (status === 'completed') return ['done=true'];
	// Repeating a field with "=" means OR.
	return ['done=true', 'done=false'];
}
