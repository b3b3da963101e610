import crypto from 'node:crypto';
import type http from 'node:http';
import { FakeHttpServer } from './fake-http-server';
import Stripe from 'stripe';
import { createTestContext, type TestContext } from './test-context';

export interface RecordedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  idempotencyKey?: string;
}

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  url: string;
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  payment_status: 'unpaid' | 'paid';
  status: 'open' | 'complete' | 'expired';
  payment_intent: string | null;
  expires_at: number;
  success_url: string;
  cancel_url: string;
  client_reference_id: string | null;
  line_items: { name: string; unit_amount: number; quantity: number }[];
}

const id = (prefix: string) => `${prefix}_test_${crypto.randomBytes(8).toString('hex')}`;

/**
 * A small Stripe-compatible HTTP server: the real `stripe` SDK talks to it (STRIPE_API_BASE).
 * It implements the calls the store makes, records them, and has a hosted "checkout page" whose
 * Pay button completes the session and delivers the signed webhook, like Stripe does.
 */
export class FakeStripe extends FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  readonly sessions = new Map<string, FakeSession>();
  readonly refunds: { id: string; amount: number; payment_intent: string }[] = [];
  private readonly byIdempotencyKey = new Map<string, unknown>();
  /** Where the hosted page delivers webhooks (the store's /webhooks/stripe). */
  webhookUrl?: string;

  constructor(readonly webhookSecret = 'whsec_test_fake') {
    super();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiBase);
    const params = new URLSearchParams(raw.toString('utf8'));
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, params, idempotencyKey });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (idempotencyKey && req.method === 'POST' && this.byIdempotencyKey.has(idempotencyKey)) return json(200, this.byIdempotencyKey.get(idempotencyKey));

    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const lines: FakeSession['line_items'] = [];
      for (let i = 0; params.has(`line_items[${i}][quantity]`); i++) {
        lines.push({
          name: params.get(`line_items[${i}][price_data][product_data][name]`) ?? '',
          unit_amount: Number(params.get(`line_items[${i}][price_data][unit_amount]`)),
          quantity: Number(params.get(`line_items[${i}][quantity]`)),
        });
      }
      const sessionId = id('cs');
      const session: FakeSession = {
        id: sessionId,
        object: 'checkout.session',
        url: `${this.apiBase}/pay/${sessionId}`,
        amount_total: lines.reduce((a, l) => a + l.unit_amount * l.quantity, 0),
        currency: params.get('currency') ?? params.get('line_items[0][price_data][currency]') ?? 'usd',
        metadata: { orderId: params.get('metadata[orderId]') ?? '', orderCode: params.get('metadata[orderCode]') ?? '' },
        payment_status: 'unpaid',
        status: 'open',
        payment_intent: null,
        expires_at: Number(params.get('expires_at')),
        success_url: params.get('success_url') ?? '',
        cancel_url: params.get('cancel_url') ?? '',
        client_reference_id: params.get('client_reference_id'),
        line_items: lines,
      };
      this.sessions.set(sessionId, session);
      if (idempotencyKey) this.byIdempotencyKey.set(idempotencyKey, session);
      return json(200, session);
    }
    const sessionMatch = /^\/v1\/checkout\/sessions\/(cs_[A-Za-z0-9_]+)$/.exec(url.pathname);
    if (req.method === 'GET' && sessionMatch) {
      const session = this.sessions.get(sessionMatch[1]);
      return session ? json(200, session) : json(404, { error: { type: 'invalid_request_error', message: 'No such session' } });
    }
    if (req.method === 'POST' && url.pathname === '/v1/refunds') {
      const refund = {
        id: id('re'),
        object: 'refund',
        amount: Number(params.get('amount')),
        payment_intent: params.get('payment_intent') ?? '',
        status: 'succeeded',
        currency: 'vnd',
      };
      this.refunds.push(refund);
      if (idempotencyKey) this.byIdempotencyKey.set(idempotencyKey, refund);
      return json(200, refund);
    }
    // The hosted checkout page.
    const payMatch = /^\/pay\/(cs_[A-Za-z0-9_]+)$/.exec(url.pathname);
    if (payMatch && this.sessions.has(payMatch[1])) {
      const session = this.sessions.get(payMatch[1])!;
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><title>Fake Stripe Checkout</title></head><body><main>
          <h1>Fake Stripe Checkout</h1><p>Amount: <span id="amount">${session.amount_total}</span> ${session.currency.toUpperCase()}</p>
          <form method="post"><label for="card">Card number</label><input id="card" name="card" value="4242 4242 4242 4242">
          <button type="submit">Pay</button></form></main></body></html>`);
        return;
      }
      this.complete(session.id);
      if (this.webhookUrl) await this.deliver('checkout.session.completed', session);
      res.writeHead(303, { location: session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id) });
      res.end();
      return;
    }
    json(404, { error: { type: 'invalid_request_error', message: `Unknown ${req.method} ${url.pathname}` } });
  }

  /** The buyer paid: the session is complete with a payment intent. */
  complete(sessionId: string): FakeSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    session.payment_status = 'paid';
    session.status = 'complete';
    session.payment_intent ??= id('pi');
    return session;
  }

  lastSession(): FakeSession {
    const all = [...this.sessions.values()];
    return all[all.length - 1];
  }

  event(type: string, object: unknown, eventId = id('evt')): string {
    return JSON.stringify({ id: eventId, object: 'event', type, api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), data: { object } });
  }

  /** A Stripe-Signature header for this payload (optionally with another secret or an old timestamp). */
  sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
    return Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? this.webhookSecret, timestamp: options.timestamp });
  }

  async deliver(type: string, object: unknown): Promise<Response> {
    const payload = this.event(type, object);
    return fetch(this.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': this.sign(payload) }, body: payload });
  }
}

/**
 * A test file's store with card payment through a FakeStripe: both start in beforeAll and stop in
 * afterAll. Read `ctx` and `stripe` inside hooks and tests, once they exist.
 */
export function withFakeStripe(options: { now?: Date } = {}): { readonly ctx: TestContext; readonly stripe: FakeStripe } {
  let ctx: TestContext | undefined;
  let stripe: FakeStripe | undefined;
  beforeAll(async () => {
    stripe = await new FakeStripe().start();
    ctx = await createTestContext({
      now: options.now,
      env: { STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_BASE: stripe.apiBase, PUBLIC_URL: 'http://shop.test' },
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await stripe?.stop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('withFakeStripe: read ctx and stripe inside a hook or a test, after beforeAll.');
    return value;
  };
  return {
    get ctx() {
      return ready(ctx);
    },
    get stripe() {
      return ready(stripe);
    },
  };
}
