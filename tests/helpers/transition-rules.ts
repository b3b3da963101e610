/**
 * Pins a state machine written as a transition table (state → the states it may move to): every
 * move from every state to every state is allowed exactly where `rules` says, and the WHERE of each
 * conditional update (`movableTo`) lists exactly the states that may move there.
 */
export function pinTransitions<S extends string>(
  machine: { states: readonly S[]; canMove: (from: S, to: S) => boolean; movableTo: (to: S) => S[] },
  rules: Record<S, readonly S[]>,
): void {
  const { states, canMove, movableTo } = machine;
  it('has a rule for exactly its states', () => {
    expect([...states].sort()).toEqual(Object.keys(rules).sort());
  });
  const pairs = states.flatMap((from) => states.map((to) => [from, to, rules[from].includes(to)] as const));
  it.each(pairs.filter(([, , allowed]) => allowed))('%s → %s is allowed', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });
  it.each(pairs.filter(([, , allowed]) => !allowed))('%s → %s is refused', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });
  it.each(states.map((to) => [to]))('a move to %s updates only rows in the states that may move there', (to) => {
    expect([...movableTo(to)].sort()).toEqual(states.filter((from) => rules[from].includes(to)).sort());
  });
}
