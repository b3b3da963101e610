import { z } from 'zod';

const WHOLE_DONG = `must be a whole number of đồng from 0 to ${Number.MAX_SAFE_INTEGER}`;

/** SePay's webhook body (DESIGN.md §4), so a real Vietnamese bank feed can call us unchanged. */
export const bankWebhookSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1).max(64)]).transform(String),
  gateway: z.string().max(100).optional(),
  transactionDate: z.string().max(40).optional(),
  accountNumber: z.string().max(40),
  code: z.string().max(100).nullable().optional(),
  content: z.string().max(500).default(''),
  transferType: z.enum(['in', 'out']),
  // Any whole number of đồng is recorded: an amount no order can have is flagged for an admin, never
  // refused (a refused delivery is retried by the bank forever). Beyond 2^53 it is not a real amount.
  transferAmount: z.number({ error: WHOLE_DONG }).int({ error: WHOLE_DONG }).min(0, { error: WHOLE_DONG }),
  accumulated: z.number().optional(),
  subAccount: z.string().max(40).nullable().optional(),
  referenceCode: z.string().max(100).nullable().optional(),
  description: z.string().max(500).optional(),
});
export type BankWebhookPayload = z.infer<typeof bankWebhookSchema>;

export const markPaidSchema = z
  .object({ reference: z.string({ error: 'Vui lòng nhập mã giao dịch ngân hàng.' }).trim().min(3, 'Vui lòng nhập mã giao dịch ngân hàng.').max(100) })
  .strict();

/** The pay form: the card button posts nothing else; the VietQR page's “Trả bằng thẻ” adds switchTo=stripe. */
export const payFormSchema = z.object({ switchTo: z.literal('stripe', { error: 'Cách thanh toán không hợp lệ.' }).optional() }).strict();

export const refundSchema = z.object({ reason: z.string().trim().max(500).default('') }).strict();
