// Quantity cells: Quantity.String() of a field that may be absent or malformed. The
// canonical text itself comes from the shared quantity model (src/machinery/quantity.ts).

import { formatQuantity, tryParseQuantity } from '../../machinery/quantity.js';

/**
 * A Quantity value field: absent is Go's zero Quantity, "0". Text that is not a quantity is
 * shown as it is rather than failing the table.
 */
export function quantityCell(value: unknown): string {
  if (value === undefined || value === null) return '0';
  const q = tryParseQuantity(value);
  if (q) return formatQuantity(q);
  return typeof value === 'string' ? value : String(value);
}

/** A *Quantity field: (*Quantity)(nil).String() is "<nil>". */
export function quantityPointerCell(value: unknown): string {
  return value === undefined || value === null ? '<nil>' : quantityCell(value);
}
