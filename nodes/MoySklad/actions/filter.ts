/** One condition of MoySklad's `filter` parameter; a `;` inside the value is escaped. */
export function condition(field: string, operator: string, value: string): string {
	return `${field}${operator}${value.replace(/;/g, '\\;')}`;
}

