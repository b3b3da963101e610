/**
 * A state machine as data: for each state, the states it may move to. Anything not listed is
 * refused. The same table gives the WHERE of the conditional UPDATE that makes a move, so the rule
 * and the statement cannot drift apart (orders/order-state.ts, payments/payment-state.ts).
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canMove<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}

/**
 * The states a row may be in for a move to `to`: the WHERE of its conditional update. `only`
 * narrows it for a caller that means one particular move (a late payment revives only an expired or
 * cancelled order); it can never widen what the table allows.
 */
export function statesMovableTo<S extends string>(table: TransitionTable<S>, to: S, only?: readonly S[]): S[] {
  return (Object.keys(table) as S[]).filter((from) => canMove(table, from, to) && (!only || only.includes(from)));
}
