import { jsonForScript } from '../../lib/json-ld';
import type { ProductDetail } from './catalog.service';

/** schema.org Product with its Offer (price in VND, availability) for search engines. */
export function productJsonLd(product: ProductDetail, publicUrl: string): string {
  return jsonForScript({
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.name,
    description: product.description || undefined,
    image: product.images.map((i) => `${publicUrl}${i.largeUrl}`),
    sku: String(product.id),
    category: product.category.nameVi,
    brand: { '@type': 'Brand', name: product.seller.name },
    offers: {
      '@type': 'Offer',
      url: `${publicUrl}/products/${product.slug}`,
      priceCurrency: 'VND',
      price: product.priceVnd,
      availability: product.inStock ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
      seller: { '@type': 'Organization', name: product.seller.name },
    },
  });
}

/** The first sentence or so of a text, for <meta name="description">. */
export function excerpt(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}
