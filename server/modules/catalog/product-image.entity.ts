/** One photo of a product, stored as WebP at each of `sizes` widths under `storage_key` (a row of `product_images`). */
export interface ProductImage {
  id: number;
  productId: number;
  storageKey: string;
  sizes: number[];
  width: number;
  height: number;
  /** 0 is the cover. */
  position: number;
  alt: string;
  createdAt: Date;
}
