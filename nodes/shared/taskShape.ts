/** The simplified task every vendor's node and trigger outputs. */
export interface CommonTask {
	vendor: string;
	id: string;
	title: string | null;
	text: string | null;
	status: 'open' | 'completed';
	vendorStatus: string | null;
	responsibleId: string | null;
	authorId: string | null;
	typeId: string | null;
	dueAt: string | null;
	createdAt: string | null;
	updatedAt: string | null;
	completedAt: string | null;
	entity: { type: string; id: string } | null;
	url: string | null;
	[key: string]: unknown;
}

/** An id from a vendor (number, numeric string, or missing) as the common shape's string. */
export function idString(value: unknown): string | null {
	if (value === null || value === undefined || value === '' || value === 0) return null;
	return String(value);
}
