import { laoCaiCommunes } from '../../lib/admin-units';
import type { ProductQuery } from './catalog.schemas';
import { SORTS } from './catalog.schemas';
import type { CategoryNode, Facets, ProductPage } from './catalog.service';

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

/** " (12)" after an option with a facet count; nothing without facets. */
const countText = (count: number | undefined) => (count === undefined ? '' : ` (${count})`);

/** Listed products of a group and every subgroup below it. */
function groupCount(node: CategoryNode, counts: Map<number, number>): number {
  return node.children.reduce((sum, child) => sum + groupCount(child, counts), counts.get(node.id) ?? 0);
}

/**
 * Level-1 groups, for the filter select; the level-2 groups (indented) only under the chosen level-1
 * group, or the parent of the chosen level-2 group — choosing "I" and applying offers I.1, I.2… (no
 * script needed) and keeps the listing's HTML small. With facets, only the groups that have products
 * in the result, each with its count; the chosen group always stays.
 */
export function categoryOptions(roots: CategoryNode[], selected?: string, facets?: Facets) {
  const counts = facets?.complete ? facets.groups : undefined;
  const option = (node: CategoryNode, indent: boolean) => {
    const count = counts ? groupCount(node, counts) : undefined;
    const keep = count === undefined || count > 0 || node.code === selected;
    return keep ? [{ code: node.code, nameVi: node.nameVi, nameEn: node.nameEn, indent, selected: node.code === selected, countText: countText(count) }] : [];
  };
  const open = (root: CategoryNode) => !!selected && (selected === root.code || selected.startsWith(`${root.code}.`));
  return roots.flatMap((root) => [...option(root, false), ...(open(root) ? root.children.flatMap((child) => option(child, true)) : [])]);
}

/**
 * The communes to filter by: with facets only those that have products in the result, with counts,
 * in the list's order (a seller's commune outside it last); the chosen commune always stays.
 */
export function communeOptions(selected?: string, facets?: Facets) {
  if (!facets?.complete) return laoCaiCommunes.map((name) => ({ name, selected: name === selected, countText: '' }));
  const known = new Set(laoCaiCommunes);
  const names = [...laoCaiCommunes.filter((name) => facets.communes.has(name) || name === selected)];
  const others = [...facets.communes.keys()].filter((name) => !known.has(name));
  if (selected && !known.has(selected) && !facets.communes.has(selected)) others.push(selected);
  names.push(...others.sort((a, b) => a.localeCompare(b, 'vi')));
  return names.map((name) => ({ name, selected: name === selected, countText: countText(facets.communes.get(name) ?? 0) }));
}

/** 5★, 4★, 3★: with facets only those that have products (the chosen one always stays), with counts. */
export function starOptions(selected?: number, facets?: Facets) {
  const counts = facets?.complete ? facets.stars : undefined;
  return [5, 4, 3]
    .map((value) => ({ value, selected: value === selected, count: counts ? (counts.get(value) ?? 0) : undefined }))
    .filter((o) => o.count === undefined || o.count > 0 || o.selected)
    .map(({ value, selected: chosen, count }) => ({ value, selected: chosen, countText: countText(count) }));
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

export function filterView(query: Partial<ProductQuery>, roots: CategoryNode[], sort: string, facets?: Facets) {
  return {
    query,
    active: activeFilters('/products', query, roots),
    categories: categoryOptions(roots, query.category, facets),
    communes: communeOptions(query.commune, facets),
    starOptions: starOptions(query.stars, facets),
    sorts: SORTS.map((value) => ({ value, selected: value === sort })),
  };
}
