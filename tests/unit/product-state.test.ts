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

type Rules<M extends string, S extends string> = Record<M, { by: string; from: readonly S[]; to: string }>;

/** The rules as a reader states them; the tables must say exactly this, move by move. */
const LISTING_RULES: Rules<ProductMove, ProductStatus> = {
  publish: { by: 'seller', from: ['draft'], to: 'active' },
  unpublish: { by: 'seller', from: ['active'], to: 'draft' },
  hide: { by: 'admin', from: ['draft', 'active'], to: 'hidden' },
  restore: { by: 'admin', from: ['hidden'], to: 'before_hidden' },
};

const CLAIM_RULES: Rules<OcopClaimMove, OcopClaimState> = {
  claim: { by: 'seller', from: ['none', 'pending', 'verified', 'expired'], to: 'pending' },
  drop: { by: 'seller', from: ['none', 'pending', 'verified', 'expired'], to: 'none' },
  verify: { by: 'admin', from: ['pending'], to: 'verified' },
  expire: { by: 'clock', from: ['verified'], to: 'expired' },
};

/** Every move from every state: allowed exactly where `rules` says, and the table agrees on actor and target. */
function pinTable<M extends string, S extends string>(
  table: { moves: readonly M[]; states: readonly S[]; transitions: Rules<M, S>; canMove: (move: M, from: S) => boolean },
  rules: Rules<M, S>,
): void {
  it('has exactly these moves, each by its actor to its target', () => {
    expect([...table.moves].sort()).toEqual(Object.keys(rules).sort());
    for (const move of table.moves) {
      const { by, to } = table.transitions[move];
      expect({ move, by, to }).toEqual({ move, by: rules[move].by, to: rules[move].to });
    }
  });
  const cases = table.moves.flatMap((move) => table.states.map((from) => [move, from, rules[move].from.includes(from)] as const));
  it.each(cases.filter(([, , allowed]) => allowed))('%s from %s is allowed', (move, from) => {
    expect(table.canMove(move, from)).toBe(true);
  });
  it.each(cases.filter(([, , allowed]) => !allowed))('%s from %s is refused', (move, from) => {
    expect(table.canMove(move, from)).toBe(false);
  });
}

describe('a listing moves only as PRODUCT_TRANSITIONS says', () => {
  pinTable({ moves: PRODUCT_MOVES, states: PRODUCT_STATUSES, transitions: PRODUCT_TRANSITIONS, canMove: canMoveProduct }, LISTING_RULES);

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
  pinTable({ moves: OCOP_CLAIM_MOVES, states: OCOP_CLAIM_STATES, transitions: OCOP_CLAIM_TRANSITIONS, canMove: canMoveOcopClaim }, CLAIM_RULES);

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
