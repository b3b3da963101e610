import type { EntityManager } from 'typeorm';
import { SqlParams } from '../../db/sql-params';
import { paymentsMovableTo, refundsMovableTo, type PaymentOutcomeStatus, type RefundStatus } from './payment-state';

/**
 * The statements that move a payment or a refund: a conditional UPDATE whose WHERE is the
 * transition table's (payment-state.ts). A row in any other state is left alone and the answer
 * says how many moved.
 */

/** Moves one payment; `reason` is what the admins' list says about it (flag_reason). */
export async function movePayment(manager: EntityManager, paymentId: number, to: PaymentOutcomeStatus, reason?: string): Promise<boolean> {
  const [rows] = (await manager.query(
    `UPDATE payments SET outcome = $2, flag_reason = coalesce($4, flag_reason) WHERE id = $1 AND outcome = ANY($3) RETURNING id`,
    [paymentId, to, paymentsMovableTo(to), reason ?? null],
  )) as [unknown[], number];
  return rows.length > 0;
}

/**
 * Moves the refunds `which` names: one by id (the worker, narrowed by `only` to the state it
 * claimed), or the one Stripe knows by its id (a webhook). `sentAs`: the worker sent it and Stripe
 * named it so; the last error is cleared.
 */
export async function moveRefunds(
  manager: EntityManager,
  which: { id: number } | { providerRef: string },
  to: RefundStatus,
  options: { only?: readonly RefundStatus[]; sentAs?: string } = {},
): Promise<number> {
  const params = new SqlParams();
  const target = params.add('id' in which ? which.id : which.providerRef);
  const sets = [`status = ${params.add(to)}`, 'updated_at = now()'];
  const from = params.add(refundsMovableTo(to, options.only));
  if (options.sentAs) sets.push(`provider_ref = ${params.add(options.sentAs)}`, 'last_error = NULL');
  const [rows] = (await manager.query(
    `UPDATE refunds SET ${sets.join(', ')} WHERE ${'id' in which ? 'id' : 'provider_ref'} = ${target} AND status = ANY(${from}) RETURNING id`,
    params.values,
  )) as [unknown[], number];
  return rows.length;
}
