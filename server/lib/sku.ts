/**
 * A product's own code (mã sản phẩm, SKU): what a seller's spreadsheet matches a row to a product by.
 * Unique per seller whatever the case (products_seller_sku_key on lower(sku)). Letters and digits first,
 * then also . _ / - : so a SKU never looks like a spreadsheet formula and survives Excel unchanged.
 */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
export const SKU_MAX_LENGTH = 64;

/** Two SKUs name the same product when they differ only by case. */
export function skuKey(sku: string): string {
  return sku.toLowerCase();
}
