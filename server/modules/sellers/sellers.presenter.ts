import { laoCaiCommunes } from '../../lib/admin-units';
import { BANKS } from '../../lib/banks';
import { SELLER_TYPE_LABELS } from './seller-state';
import { SELLER_TYPES } from './seller.entity';

/** Choices for the application and profile forms, marking the posted or stored value as selected. */
export function sellerFormOptions(values: Record<string, unknown>) {
  return {
    typeOptions: SELLER_TYPES.map((value) => ({ value, label: SELLER_TYPE_LABELS[value], selected: values.type === value })),
    communeOptions: laoCaiCommunes.map((name) => ({ name, selected: values.commune === name })),
    bankOptions: BANKS.map((b) => ({ ...b, selected: values.bankBin === b.bin })),
  };
}
