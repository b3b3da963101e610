import type { ZaloConfig } from '../../config';

/** What one ZNS call came to, as the worker acts on it. */
export type ZnsOutcome =
  | { kind: 'sent'; msgId: string }
  /** Zalo cannot reach this person (no Zalo account, invalid number, blocked or refusing ZNS): send the email instead. */
  | { kind: 'unreachable'; error: string }
  /** Anything that may pass: HTTP 5xx, the network, quota and rate answers, an unknown error. */
  | { kind: 'retry'; error: string };

/**
 * ZNS error codes that say the recipient cannot get the message, whatever we retry
 * (https://zalo.cloud/zns/guidelines/handle-error-code): -108 phone number invalid, -110 Zalo version
 * unsupported, -114 user inactive / rejects the message / outdated Zalo, -118 Zalo account not existed,
 * -119 account can not receive ZNS, -139 user refused this message type. Quota (-115, -144), an
 * invalid access token (-124) and the rest are retried with back-off and end as failed for an admin.
 */
export const ZNS_UNREACHABLE_CODES: ReadonlySet<number> = new Set([-108, -110, -114, -118, -119, -139]);

export interface ZnsRequest {
  phone: string;
  template_id: string;
  template_data: Record<string, string | number>;
  /** Our outbox row id: a retry of a message Zalo already took carries the same one. */
  tracking_id: string;
}

/** `POST {base}/message/template` with the `access_token` header, as the ZNS template API takes it. */
export async function sendZns(config: ZaloConfig, body: ZnsRequest, timeoutMs = 10_000): Promise<ZnsOutcome> {
  let response: Response;
  try {
    response = await fetch(`${config.apiBase}/message/template`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', access_token: config.accessToken },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { kind: 'retry', error: `network: ${(err as Error).message}` };
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) return { kind: 'retry', error: `HTTP ${response.status}: ${text.slice(0, 200)}` };
  let answer: { error?: unknown; message?: unknown; data?: { msg_id?: unknown } };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return { kind: 'retry', error: `HTTP ${response.status}: not JSON: ${text.slice(0, 200)}` };
  }
  const code = Number(answer.error);
  if (code === 0) return { kind: 'sent', msgId: String(answer.data?.msg_id ?? '') };
  const error = `${Number.isFinite(code) ? code : String(answer.error)} ${String(answer.message ?? '')}`.trim();
  return ZNS_UNREACHABLE_CODES.has(code) ? { kind: 'unreachable', error } : { kind: 'retry', error };
}
