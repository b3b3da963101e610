import type http from 'node:http';
import { FakeHttpServer } from './fake-http-server';

export interface ZnsRecordedRequest {
  path: string;
  accessToken: string | undefined;
  body: { phone: string; template_id: string; template_data: Record<string, string | number>; tracking_id: string };
}

/** What the fake answers next: an HTTP status, or a ZNS error code in a 200 answer. */
export type ZnsFault = { http: number } | { error: number; message: string };

export const ZNS_NO_ZALO: ZnsFault = { error: -118, message: 'Zalo account not existed' };
export const ZNS_OUT_OF_QUOTA: ZnsFault = { error: -115, message: 'Out of quota' };

/**
 * A small ZNS-compatible server (ZALO_ZNS_API_BASE): `POST /message/template` with the
 * `access_token` header. It records every request and delivers each tracking_id once, as Zalo
 * recognises a retried message: a second request with a delivered tracking_id answers the same
 * msg_id and is not delivered again (`delivered` counts real deliveries). Faults are queued on demand:
 * `failNext({ http: 503 })` once, `phonesWithoutZalo` always answer -118, `failNext(ZNS_OUT_OF_QUOTA)`.
 */
export class FakeZalo extends FakeHttpServer {
  readonly requests: ZnsRecordedRequest[] = [];
  /** tracking_id → msg_id of each message delivered. */
  readonly delivered = new Map<string, string>();
  readonly phonesWithoutZalo = new Set<string>();
  private readonly faults: ZnsFault[] = [];
  private nextMsgId = 1;

  constructor(readonly accessToken = 'zns-test-token') {
    super();
  }

  /** The next requests (one per fault, in order) get these answers instead of a delivery. */
  failNext(...faults: ZnsFault[]): void {
    this.faults.push(...faults);
  }

  reset(): void {
    this.requests.length = 0;
    this.delivered.clear();
    this.phonesWithoutZalo.clear();
    this.faults.length = 0;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/message/template') return json(404, { error: -106, message: 'Method unsupported' });
    const body = JSON.parse(raw.toString('utf8')) as ZnsRecordedRequest['body'];
    const accessToken = req.headers['access_token'] as string | undefined;
    this.requests.push({ path: req.url, accessToken, body });
    if (accessToken !== this.accessToken) return json(200, { error: -124, message: 'Access token invalid' });
    const fault = this.faults.shift();
    if (fault && 'http' in fault) return json(fault.http, { message: 'upstream unavailable' });
    if (fault) return json(200, { error: fault.error, message: fault.message });
    if (this.phonesWithoutZalo.has(body.phone)) return json(200, ZNS_NO_ZALO);
    const known = this.delivered.get(body.tracking_id);
    const msgId = known ?? `msg-${this.nextMsgId++}`;
    if (!known) this.delivered.set(body.tracking_id, msgId);
    json(200, { error: 0, message: 'Success', data: { msg_id: msgId, sent_time: String(Date.now()), quota: { dailyQuota: '500', remainingQuota: '499' } } });
  }
}
