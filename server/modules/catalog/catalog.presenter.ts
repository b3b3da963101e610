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

/** The filters a buyer can remove one by one (search and sort are kept: they are not filters). */
const CHIP_KEYS = ['category', 'stars', 'commune', 'minPrice', 'maxPrice'] as const;

/**
 * The active filters as chips above the grid: each links to the same listing without that one filter
 * (search, sort and the other filters kept; back to page 1), plus a link that clears them all.
 */
export function activeFilters(base: string, query: Partial<ProductQuery>, roots: CategoryNode[]) {
  const flatten = (nodes: CategoryNode[]): CategoryNode[] => nodes.flatMap((node) => [node, ...flatten(node.children)]);
  const groups = flatten(roots);
  const chips = CHIP_KEYS.filter((key) => query[key] !== undefined && query[key] !== '').map((key) => {
    const group = key === 'category' ? groups.find((g) => g.code === query.category) : undefined;
    return {
      kind: key,
      value: query[key],
      nameVi: group?.nameVi ?? '',
      nameEn: group?.nameEn ?? '',
      removeHref: listingHref(base, query, { [key]: undefined }),
    };
  });
  return { chips, count: chips.length, clearHref: listingHref(base, { q: query.q, sort: query.sort }, {}) };
}

export function filterView(query: Partial<ProductQuery>, roots: CategoryNode[], sort: string) {
  return {
    query,
    active: activeFilters('/products', query, roots),
    categories: categoryOptions(roots, query.category),
    communes: laoCaiCommunes.map((name) => ({ name, selected: name === query.commune })),
    starOptions: [5, 4, 3].map((n) => ({ value: n, selected: query.stars === n })),
    sorts: SORTS.map((value) => ({ value, selected: value === sort })),
  };
}
