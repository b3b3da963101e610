/**
 * SQL fragments every query about products shares, over `products p JOIN sellers s ON s.id = p.seller_id`.
 * Written once here so the catalogue, the cart and the reports cannot disagree.
 */

/** What buyers see (catalogue, search, cart, reports): active products of approved cooperatives. */
export const LISTED = `p.status = 'active' AND s.status = 'approved'`;

/** The cover photo (position 0, then oldest) as `img.storage_key`, `img.sizes`; null columns without a photo. */
export const COVER_JOIN = `
  LEFT JOIN LATERAL (
    SELECT i.storage_key, i.sizes FROM product_images i
    WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1
  ) img ON true`;
