/**
 * One unit's packed weight in grams (the shipping fee's weight step): the bounds the product form, the
 * CSV import and the products table's CHECK (weight_grams BETWEEN 1 AND 50000) share.
 */
export const WEIGHT_GRAMS_MIN = 1;
export const WEIGHT_GRAMS_MAX = 50_000;
