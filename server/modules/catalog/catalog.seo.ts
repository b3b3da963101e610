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
    image: product.images.map((i) => absoluteUrl(publicUrl, i.largeUrl)),
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

/** A media URL as a crawler needs it: stored media (/media/…) under PUBLIC_URL; an object store's URL is already absolute. */
export function absoluteUrl(publicUrl: string, url: string): string {
  return /^https?:\/\//i.test(url) ? url : `${publicUrl}${url}`;
}

/**
 * Open Graph tags, so a product shared on Zalo or Facebook shows a card (name, excerpt, cover image).
 * Every URL is absolute: the crawler reads the page from outside. The layout escapes each value.
 */
export function productOpenGraph(product: ProductDetail, publicUrl: string): { property: string; content: string }[] {
  const cover = product.images[0];
  return [
    { property: 'og:type', content: 'product' },
    { property: 'og:title', content: product.name },
    { property: 'og:description', content: excerpt(product.description || product.name, 200) },
    { property: 'og:url', content: `${publicUrl}/products/${product.slug}` },
    ...(cover
      ? [
          { property: 'og:image', content: absoluteUrl(publicUrl, cover.largeUrl) },
          { property: 'og:image:alt', content: cover.alt },
        ]
      : []),
    { property: 'og:locale', content: 'vi_VN' },
    { property: 'product:price:amount', content: String(product.priceVnd) },
    { property: 'product:price:currency', content: 'VND' },
  ];
}

/**
 * Share links as plain <a href>: no SDK, no third-party script, nothing for the CSP to allow.
 * Facebook documents sharer.php?u=. Zalo documents only its script plugin (sdk.js), which frames
 * sp.zalo.me/share_inline; that page opened directly with ?url= is the script-free form (the Zalo app
 * and zalo.me in a browser handle it), so it is the link here.
 */
export function shareLinks(pageUrl: string): { facebook: string; zalo: string } {
  const url = encodeURIComponent(pageUrl);
  return {
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${url}`,
    zalo: `https://sp.zalo.me/share_inline?url=${url}`,
  };
}
