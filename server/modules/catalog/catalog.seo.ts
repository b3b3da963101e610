import { jsonForScript } from '../../lib/json-ld';
import type { ProductDetail } from './catalog.service';

/** A verified buyer's review as JSON-LD names it. */
export interface JsonLdReview {
  author: string;
  datePublished: string;
  rating: number;
  body: string;
}

/**
 * schema.org Product with its Offer (price in VND, availability) for search engines; its AggregateRating
 * and a few Reviews only while it has visible reviews (search engines refuse an empty rating).
 */
export function productJsonLd(product: ProductDetail, publicUrl: string, reviews: JsonLdReview[] = []): string {
  const rated = product.rating.count > 0 && product.rating.average !== null;
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
    aggregateRating: rated
      ? { '@type': 'AggregateRating', ratingValue: product.rating.average, reviewCount: product.rating.count, bestRating: 5, worstRating: 1 }
      : undefined,
    review:
      rated && reviews.length
        ? reviews.map((r) => ({
            '@type': 'Review',
            author: { '@type': 'Person', name: r.author },
            datePublished: r.datePublished,
            reviewRating: { '@type': 'Rating', ratingValue: r.rating, bestRating: 5, worstRating: 1 },
            reviewBody: r.body || undefined,
          }))
        : undefined,
  });
}

/** The first sentence or so of a text, for <meta name="description">. */
export function excerpt(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}
