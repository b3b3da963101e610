import {
  OCOP_CLAIM_MOVES,
  OCOP_CLAIM_STATES,
  OCOP_CLAIM_TRANSITIONS,
  OCOP_CLAIM_WHERE,
  PRODUCT_MOVES,
  PRODUCT_STATUSES,
  PRODUCT_TRANSITIONS,
  canMoveOcopClaim,
  canMoveProduct,
  ocopClaimState,
  ocopClaimWhere,
  ocopClaimsMovableBy,
  productsMovableBy,
  restoredStatus,
  type OcopClaimMove,
  type OcopClaimState,
  type ProductMove,
  type ProductStatus,
} from '../../server/modules/catalog/product-state';

/** The rules as a reader states them; the tables must say exactly this, move by move. */
const LISTING_RULES: Record<ProductMove, { by: string; from: ProductStatus[]; to: string }> = {
  publish: { by: 'seller', from: ['draft'], to: 'active' },
  unpublish: { by: 'seller', from: ['active'], to: 'draft' },
  hide: { by: 'admin', from: ['draft', 'active'], to: 'hidden' },
  restore: { by: 'admin', from: ['hidden'], to: 'before_hidden' },
};

const CLAIM_RULES: Record<OcopClaimMove, { by: string; from: OcopClaimState[]; to: OcopClaimState }> = {
  claim: { by: 'seller', from: ['none', 'pending', 'verified', 'expired'], to: 'pending' },
  drop: { by: 'seller', from: ['none', 'pending', 'verified', 'expired'], to: 'none' },
  verify: { by: 'admin', from: ['pending'], to: 'verified' },
  expire: { by: 'clock', from: ['verified'], to: 'expired' },
};

describe('a listing moves only as PRODUCT_TRANSITIONS says', () => {
  it('has exactly the four moves, each by its actor to its target', () => {
    expect([...PRODUCT_MOVES].sort()).toEqual(Object.keys(LISTING_RULES).sort());
    for (const move of PRODUCT_MOVES) {
      expect({ move, by: PRODUCT_TRANSITIONS[move].by, to: PRODUCT_TRANSITIONS[move].to }).toEqual({ move, by: LISTING_RULES[move].by, to: LISTING_RULES[move].to });
    }
  });

  const cases = PRODUCT_MOVES.flatMap((move) => PRODUCT_STATUSES.map((from) => [move, from, LISTING_RULES[move].from.includes(from)] as const));
  it.each(cases.filter(([, , allowed]) => allowed))('%s from %s is allowed', (move, from) => {
    expect(canMoveProduct(move, from)).toBe(true);
  });
  it.each(cases.filter(([, , allowed]) => !allowed))('%s from %s is refused', (move, from) => {
    expect(canMoveProduct(move, from)).toBe(false);
  });

  it('gives the WHERE of each conditional update: the statuses a move starts from', () => {
    expect(productsMovableBy('publish')).toEqual(['draft']);
    expect(productsMovableBy('unpublish')).toEqual(['active']);
    expect(productsMovableBy('hide')).toEqual(['draft', 'active']);
    expect(productsMovableBy('restore')).toEqual(['hidden']);
  });

  it('restores to the status before hiding, and a draft when none was recorded (restoring never publishes)', () => {
    expect(restoredStatus('active')).toBe('active');
    expect(restoredStatus('draft')).toBe('draft');
    expect(restoredStatus(null)).toBe('draft');
  });

  it('never moves a hidden listing except by an admin restoring it', () => {
    const fromHidden = PRODUCT_MOVES.filter((m) => canMoveProduct(m, 'hidden'));
    expect(fromHidden).toEqual(['restore']);
    expect(PRODUCT_TRANSITIONS.restore.by).toBe('admin');
  });
});

describe('an OCOP claim moves only as OCOP_CLAIM_TRANSITIONS says', () => {
  it('has exactly the four moves, each by its actor to its target', () => {
    expect([...OCOP_CLAIM_MOVES].sort()).toEqual(Object.keys(CLAIM_RULES).sort());
    for (const move of OCOP_CLAIM_MOVES) {
      expect({ move, by: OCOP_CLAIM_TRANSITIONS[move].by, to: OCOP_CLAIM_TRANSITIONS[move].to }).toEqual({ move, by: CLAIM_RULES[move].by, to: CLAIM_RULES[move].to });
    }
  });

  const cases = OCOP_CLAIM_MOVES.flatMap((move) => OCOP_CLAIM_STATES.map((from) => [move, from, CLAIM_RULES[move].from.includes(from)] as const));
  it.each(cases.filter(([, , allowed]) => allowed))('%s from %s is allowed', (move, from) => {
    expect(canMoveOcopClaim(move, from)).toBe(true);
  });
  it.each(cases.filter(([, , allowed]) => !allowed))('%s from %s is refused', (move, from) => {
    expect(canMoveOcopClaim(move, from)).toBe(false);
  });

  it('verifies only a pending claim: its WHERE is the pending condition alone', () => {
    expect(ocopClaimsMovableBy('verify')).toEqual(['pending']);
    expect(ocopClaimWhere('verify')).toBe(`((${OCOP_CLAIM_WHERE.pending()}))`);
    expect(ocopClaimWhere('verify')).toBe('((p.ocop_stars IS NOT NULL AND NOT p.ocop_verified))');
  });

  it('writes each state as a condition on the row, expiry against the given day', () => {
    expect(OCOP_CLAIM_WHERE.none()).toBe('p.ocop_stars IS NULL');
    expect(OCOP_CLAIM_WHERE.verified('$3')).toBe('p.ocop_verified AND p.ocop_valid_until >= $3::date');
    expect(OCOP_CLAIM_WHERE.expired('$3')).toBe('p.ocop_verified AND p.ocop_valid_until < $3::date');
    expect(ocopClaimWhere('expire', '$1')).toBe('((p.ocop_verified AND p.ocop_valid_until >= $1::date))');
  });
});

describe('ocopClaimState reads the claim a product row holds', () => {
  const now = new Date('2025-06-01T03:00:00Z'); // 2025-06-01 in Vietnam
  it.each([
    ['no stars', 'none', { ocopStars: null, ocopVerified: false, ocopValidUntil: null }],
    ['claimed, not verified', 'pending', { ocopStars: 4, ocopVerified: false, ocopValidUntil: '2027-01-01' }],
    ['verified, inside its 36 months', 'verified', { ocopStars: 4, ocopVerified: true, ocopValidUntil: '2025-06-01' }],
    ['verified, past its 36 months', 'expired', { ocopStars: 5, ocopVerified: true, ocopValidUntil: '2025-05-31' }],
  ] as const)('%s → %s', (_label, state, claim) => {
    expect(ocopClaimState(claim, now)).toBe(state);
  });
});
