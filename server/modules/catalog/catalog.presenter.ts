import { laoCaiCommunes } from '../../lib/admin-units';
import type { ProductQuery } from './catalog.schemas';
import { SORTS } from './catalog.schemas';
import type { CategoryNode, ProductPage } from './catalog.service';

const FILTER_KEYS = ['q', 'category', 'stars', 'commune', 'minPrice', 'maxPrice', 'sort'] as const;

/** Query string for a listing link that keeps the current filters. */
export function listingHref(base: string, query: Partial<ProductQuery>, overrides: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = query[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export function paginationView(base: string, query: Partial<ProductQuery>, result: ProductPage) {
  const { page, nextCursor } = result;
  return {
    page,
    prevHref: page > 1 ? listingHref(base, query, { page: page - 1 === 1 ? undefined : page - 1 }) : null,
    nextHref: nextCursor !== null ? listingHref(base, query, { page: page + 1, cursor: nextCursor || undefined }) : null,
  };
}

/** Level-1 groups with their level-2 groups indented, for the filter select. */
export function categoryOptions(roots: CategoryNode[], selected?: string) {
  return roots.flatMap((root) => [
    { code: root.code, nameVi: root.nameVi, nameEn: root.nameEn, indent: false, selected: root.code === selected },
    ...root.children.map((child) => ({
      code: child.code,
      nameVi: child.nameVi,
      nameEn: child.nameEn,
      indent: true,
      selected: child.code === selected,
    })),
  ]);
}

export function filterView(query: Partial<ProductQuery>, roots: CategoryNode[], sort: string) {
  return {
    query,
    categories: categoryOptions(roots, query.category),
    communes: laoCaiCommunes.map((name) => ({ name, selected: name === query.commune })),
    starOptions: [5, 4, 3].map((n) => ({ value: n, selected: query.stars === n })),
    sorts: SORTS.map((value) => ({ value, selected: value === sort })),
  };
}
