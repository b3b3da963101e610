import type { Express } from 'express';
import request from 'supertest';

/**
 * Bank feed deliveries as SePay posts them to /webhooks/bank. Each transfer has its own id and
 * referenceCode, so the store never takes two of them for one delivery sent twice.
 */

/** The receiving account `createTestContext` configures (VIETQR_ACCOUNT_NO). */
export const TEST_BANK_ACCOUNT = '8888000012345';

let lastId = 1000;

/** Money in to the store's account; `extra` overrides any field. The amount is `unknown` so a test can send a malformed one. */
export function bankTransfer(content: string, amount: unknown, extra: Record<string, unknown> = {}) {
  const id = ++lastId;
  return {
    id,
    gateway: 'Agribank',
    transactionDate: '2026-11-26 10:15:00',
    accountNumber: TEST_BANK_ACCOUNT,
    code: null,
    content,
    transferType: 'in',
    transferAmount: amount,
    accumulated: 0,
    subAccount: null,
    referenceCode: `FT${id}`,
    ...extra,
  };
}

/** Posts a feed body signed with the webhook secret (`Authorization: Apikey <secret>`). */
export function sendBankTransfer(app: Express, secret: string, body: object) {
  return request(app).post('/webhooks/bank').set('Authorization', `Apikey ${secret}`).send(body);
}
