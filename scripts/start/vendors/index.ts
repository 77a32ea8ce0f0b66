/** Every vendor `npm start` and the end-to-end tests know. One line per vendor. */
import { amocrm } from './amocrm';
import { bitrix24 } from './bitrix24';
import { moysklad } from './moysklad';
import { pyrus } from './pyrus';
import type { VendorEntry } from './types';

// Each entry is typed with its own sandbox class; the list holds them by their common base.
export const VENDORS: VendorEntry[] = [amocrm, moysklad, pyrus, bitrix24] as unknown as VendorEntry[];
