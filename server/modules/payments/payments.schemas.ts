import { z } from 'zod';

/** SePay's webhook body (DESIGN.md §4), so a real Vietnamese bank feed can call us unchanged. */
export const bankWebhookSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1).max(64)]).transform(String),
  gateway: z.string().max(100).optional(),
  transactionDate: z.string().max(40).optional(),
  accountNumber: z.string().max(40),
  code: z.string().max(100).nullable().optional(),
  content: z.string().max(500).default(''),
  transferType: z.enum(['in', 'out']),
  transferAmount: z.number().int().min(0).max(10_000_000_000),
  accumulated: z.number().optional(),
  subAccount: z.string().max(40).nullable().optional(),
  referenceCode: z.string().max(100).nullable().optional(),
  description: z.string().max(500).optional(),
});
export type BankWebhookPayload = z.infer<typeof bankWebhookSchema>;

export const markPaidSchema = z
  .object({ reference: z.string({ error: 'Vui lòng nhập mã giao dịch ngân hàng.' }).trim().min(3, 'Vui lòng nhập mã giao dịch ngân hàng.').max(100) })
  .strict();

export const refundSchema = z.object({ reason: z.string().trim().max(500).default('') }).strict();
