/**
 * The fields every vendor fills in the simplified task (README, "Common task shape"). A type
 * alias, not an interface: only an alias of an object literal type is assignable to n8n's
 * `IDataObject` as it is, and every field here is JSON, so a task is an item without a cast.
 */
type CommonFields<Vendor extends string> = {
	vendor: Vendor;
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
};

/** What a vendor's extra field may hold: JSON values an n8n item takes as they are. */
export type ExtraValue = string | number | boolean | null | string[];

/** A vendor's extra fields: JSON values, and never one of the common fields under another type. */
export type VendorExtras = { [key: string]: ExtraValue } & { [Key in keyof CommonFields<string>]?: never };

/**
 * The simplified task every vendor's node and trigger outputs: the common fields, and beside them
 * at the top level the extras the vendor lists in its own type
 * (`type AmoCrmTask = CommonTask<'amoCrm', { resultText: string | null }>`). There is no index
 * signature: a key no type lists is a type error, not an untyped extra.
 */
export type CommonTask<Vendor extends string = string, Extras extends VendorExtras = Record<never, never>> = CommonFields<Vendor> & Extras;

/** An id from a vendor (number, numeric string, or missing) as the common shape's string. */
export function idString(value: unknown): string | null {
	if (value === null || value === undefined || value === '' || value === 0) return null;
	return String(value);
}
