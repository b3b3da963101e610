import { hasValidOcopBadge, type OcopClaim } from '../../lib/ocop';

/**
 * A product's two state machines as data: its listing (draft, active, hidden) and its OCOP claim
 * (none, pending, verified, expired). Anything not in these tables is refused, and each table also
 * gives the WHERE of the conditional update that makes the move (product.service.ts).
 */
export const PRODUCT_STATUSES = ['draft', 'active', 'hidden'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const PRODUCT_MOVES = ['publish', 'unpublish', 'hide', 'restore'] as const;
export type ProductMove = (typeof PRODUCT_MOVES)[number];

/** Who moves a listing where. `restore` goes back to the status the listing had when it was hidden. */
export const PRODUCT_TRANSITIONS: Record<ProductMove, { by: 'seller' | 'admin'; from: readonly ProductStatus[]; to: ProductStatus | 'before_hidden' }> = {
  publish: { by: 'seller', from: ['draft'], to: 'active' },
  // Withdrawn by the cooperative: off the catalogue, back to a draft it can edit and publish again.
  unpublish: { by: 'seller', from: ['active'], to: 'draft' },
  hide: { by: 'admin', from: ['draft', 'active'], to: 'hidden' },
  // CASE: a draft hidden by an admin comes back a draft: restoring never publishes.
  restore: { by: 'admin', from: ['hidden'], to: 'before_hidden' },
};

export function canMoveProduct(move: ProductMove, from: ProductStatus): boolean {
  return PRODUCT_TRANSITIONS[move].from.includes(from);
}

/** The statuses a product may be in for `move` (the WHERE of its conditional update). */
export function productsMovableBy(move: ProductMove): ProductStatus[] {
  return PRODUCT_STATUSES.filter((s) => canMoveProduct(move, s));
}

/** Where `restore` lands: the status before hiding (a row hidden before that was recorded comes back a draft). */
export function restoredStatus(statusBeforeHidden: ProductStatus | null): ProductStatus {
  return statusBeforeHidden ?? 'draft';
}

export const PRODUCT_STATUS_LABELS: Record<ProductStatus, string> = { draft: 'Bản nháp', active: 'Đang bán', hidden: 'Bị ẩn' };

/**
 * The OCOP claim: `pending` is claimed and not yet verified ("chờ xác minh"); `expired` is a verified
 * certificate past its 36 months. Expiry is the clock's move, never a write: ocop_valid_until is
 * generated from the decision date, and the badge stops showing by itself.
 */
export const OCOP_CLAIM_STATES = ['none', 'pending', 'verified', 'expired'] as const;
export type OcopClaimState = (typeof OCOP_CLAIM_STATES)[number];

export const OCOP_CLAIM_MOVES = ['claim', 'drop', 'verify', 'expire'] as const;
export type OcopClaimMove = (typeof OCOP_CLAIM_MOVES)[number];

export const OCOP_CLAIM_TRANSITIONS: Record<OcopClaimMove, { by: 'seller' | 'admin' | 'clock'; from: readonly OcopClaimState[]; to: OcopClaimState }> = {
  // The cooperative declares a certificate, or changes what its claim says (OCOP_CLAIM_COLUMNS): any
  // verification is gone and the claim version moves.
  claim: { by: 'seller', from: ['none', 'pending', 'verified', 'expired'], to: 'pending' },
  // The cooperative removes its stars, certificate and decision date.
  drop: { by: 'seller', from: ['none', 'pending', 'verified', 'expired'], to: 'none' },
  // Only the claim version the admin was shown, and only a complete claim (stars, certificate, date).
  verify: { by: 'admin', from: ['pending'], to: 'verified' },
  expire: { by: 'clock', from: ['verified'], to: 'expired' },
};

export function canMoveOcopClaim(move: OcopClaimMove, from: OcopClaimState): boolean {
  return OCOP_CLAIM_TRANSITIONS[move].from.includes(from);
}

export function ocopClaimsMovableBy(move: OcopClaimMove): OcopClaimState[] {
  return OCOP_CLAIM_STATES.filter((s) => canMoveOcopClaim(move, s));
}

/**
 * Each claim state as a condition on the products row `p`; `today` is the SQL of a date parameter
 * (expiry depends on the day). The WHERE of a claim move, and the admin's OCOP filter.
 */
export const OCOP_CLAIM_WHERE = {
  none: () => 'p.ocop_stars IS NULL',
  pending: () => 'p.ocop_stars IS NOT NULL AND NOT p.ocop_verified',
  verified: (today: string) => `p.ocop_verified AND p.ocop_valid_until >= ${today}::date`,
  expired: (today: string) => `p.ocop_verified AND p.ocop_valid_until < ${today}::date`,
} satisfies Record<OcopClaimState, (today: string) => string>;

/**
 * The WHERE of `move` on the claim: the product is in one of the states the move starts from. `today`
 * matters only to a move from verified or expired (none is written: expiry is the clock's).
 */
export function ocopClaimWhere(move: OcopClaimMove, today = 'current_date'): string {
  const where: Record<OcopClaimState, (today: string) => string> = OCOP_CLAIM_WHERE;
  return `(${ocopClaimsMovableBy(move)
    .map((s) => `(${where[s](today)})`)
    .join(' OR ')})`;
}

/** What an admin verifies: a change of any of these sends the claim back to pending (the `claim` move). */
export const OCOP_CLAIM_COLUMNS = ['name', 'category_id', 'ocop_stars', 'ocop_certificate_no', 'ocop_decision_date'] as const;

/** The state of a claim as the product row holds it, at `now`. */
export function ocopClaimState(claim: OcopClaim, now: Date): OcopClaimState {
  if (claim.ocopStars === null) return 'none';
  if (!claim.ocopVerified) return 'pending';
  return hasValidOcopBadge(claim, now) ? 'verified' : 'expired';
}
