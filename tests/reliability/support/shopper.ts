import type { DataSource } from 'typeorm';
import { hashPassword } from '../../../server/modules/accounts/password';
import { TEST_PASSWORD } from '../../helpers/auth';
import { ADDRESS } from '../../helpers/shopping';

export interface Answer {
  status: number;
  location: string;
  text: string;
}

/**
 * A browser for real store processes behind a proxy: keeps its cookies (by name, whichever instance set them, as a
 * browser does for one site behind a load balancer) and never follows redirects by itself.
 */
export class Shopper {
  readonly cookies = new Map<string, string>();

  constructor(public base: string) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: { form?: Record<string, string>; multipart?: FormData; base?: string; timeoutMs?: number } = {},
  ): Promise<Answer> {
    // As from a TLS-terminating proxy on the same host (the store trusts X-Forwarded-* from loopback):
    // production cookies are Secure and are only set on a secure request.
    const headers: Record<string, string> = { 'x-forwarded-proto': 'https' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${options.base ?? this.base}${path}`, {
      method,
      headers,
      body: options.form ? new URLSearchParams(options.form).toString() : options.multipart,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location') ?? '', text: await res.text() };
  }

  get(path: string, base?: string): Promise<Answer> {
    return this.request('GET', path, { base });
  }

  post(path: string, form: Record<string, string>, base?: string): Promise<Answer> {
    return this.request('POST', path, { form, base });
  }

  /** The form token of a page (signed-in pages: /account has the logout form). */
  async token(path: string, base?: string): Promise<string> {
    const page = await this.get(path, base);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no form token on ${path} (${page.status})`);
    return match[1];
  }

  async signIn(email: string, base?: string, password = TEST_PASSWORD): Promise<Answer> {
    const token = await this.token('/login', base);
    return this.post('/login', { _csrf: token, email, password }, base);
  }

  async addToCart(productId: number, quantity: number, base?: string): Promise<Answer> {
    const token = await this.token('/account', base);
    return this.post('/cart/items', { _csrf: token, productId: String(productId), quantity: String(quantity) }, base);
  }

  async checkout(base?: string, token?: string): Promise<Answer> {
    return this.post('/checkout', { _csrf: token ?? (await this.token('/account', base)), ...ADDRESS }, base);
  }
}

export function orderCode(answer: Answer): string | undefined {
  return /^\/orders\/(OCP-[A-Z0-9]{6})(\/pay)?$/.exec(answer.location)?.[1];
}

/** Buyers with one password hash between them (argon2 on every row would take longer than the test). */
export async function createBuyers(ds: DataSource, count: number, prefix: string): Promise<{ id: number; email: string }[]> {
  const hash = await hashPassword(TEST_PASSWORD);
  const emails = Array.from({ length: count }, (_, i) => `${prefix}-${i}-${Date.now()}@example.vn`);
  return ds.query(
    `INSERT INTO users (email, full_name, password_hash, role, phone)
     SELECT e, 'Người mua ' || ord, $2, 'buyer', '0912345678' FROM unnest($1::text[]) WITH ORDINALITY AS t(e, ord) RETURNING id, email`,
    [emails, hash],
  );
}

/**
 * What "nothing lost, nothing half-written" means in the database:
 * - every order has its seller orders, every seller order its items, every item its order's seller order;
 * - every order has exactly one 'sale' ledger row per product, for exactly the quantity ordered;
 * - an expired or cancelled order has exactly one 'release' row per product, for the same quantity;
 * - per product: stock = initial − what is reserved or sold, and equals the ledger's running sum.
 */
export async function orderProblems(ds: DataSource, initial: Map<number, number>): Promise<string[]> {
  const problems: string[] = [];
  const rows = await ds.query(`
    SELECT o.code, o.status,
      (SELECT count(*) FROM seller_orders so WHERE so.order_id = o.id)::int AS parts,
      (SELECT count(*) FROM seller_orders so WHERE so.order_id = o.id AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.seller_order_id = so.id))::int AS empty_parts,
      (SELECT count(*) FROM order_items i WHERE i.order_id = o.id)::int AS items,
      (SELECT count(*) FROM order_items i JOIN seller_orders so ON so.id = i.seller_order_id WHERE i.order_id = o.id AND so.order_id <> o.id)::int AS stray_items,
      (SELECT count(*) FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'pending_payment')::int AS placed_events
    FROM orders o`);
  for (const r of rows) {
    if (r.parts < 1 || r.empty_parts > 0 || r.items < 1 || r.stray_items > 0 || r.placed_events !== 1)
      problems.push(`order ${r.code} is incomplete: ${JSON.stringify(r)}`);
  }
  const ledger = await ds.query(`
    WITH ordered AS (SELECT order_id, product_id, sum(quantity)::int AS q FROM order_items GROUP BY 1, 2),
         sales AS (SELECT order_id, product_id, count(*)::int AS n, sum(-delta)::int AS q FROM stock_movements WHERE reason = 'sale' GROUP BY 1, 2),
         releases AS (SELECT order_id, product_id, count(*)::int AS n, sum(delta)::int AS q FROM stock_movements WHERE reason = 'release' GROUP BY 1, 2)
    SELECT o.code, o.status, d.product_id, d.q, s.n AS sale_rows, s.q AS sold, r.n AS release_rows, r.q AS released
    FROM ordered d JOIN orders o ON o.id = d.order_id
    LEFT JOIN sales s ON s.order_id = d.order_id AND s.product_id = d.product_id
    LEFT JOIN releases r ON r.order_id = d.order_id AND r.product_id = d.product_id`);
  for (const l of ledger) {
    if (l.sale_rows !== 1 || l.sold !== l.q)
      problems.push(`order ${l.code} product ${l.product_id}: ${l.sale_rows ?? 0} sale rows for ${l.sold ?? 0} of ${l.q}`);
    const released = ['expired', 'cancelled'].includes(l.status);
    if (released && (l.release_rows !== 1 || l.released !== l.q))
      problems.push(`order ${l.code} (${l.status}) product ${l.product_id}: ${l.release_rows ?? 0} release rows for ${l.released ?? 0} of ${l.q}`);
    if (!released && l.release_rows) problems.push(`order ${l.code} (${l.status}) product ${l.product_id}: released while still ${l.status}`);
  }
  const orphans = await ds.query(
    `SELECT count(*)::int AS n FROM stock_movements m WHERE m.reason IN ('sale', 'release') AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = m.order_id AND i.product_id = m.product_id)`,
  );
  if (orphans[0].n) problems.push(`${orphans[0].n} sale/release ledger rows without their order`);
  for (const [productId, start] of initial) {
    const [p] = await ds.query(
      `SELECT p.stock,
         (SELECT coalesce(sum(delta), 0)::int FROM stock_movements WHERE product_id = p.id) AS ledger,
         (SELECT coalesce(sum(i.quantity), 0)::int FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.product_id = p.id AND o.status NOT IN ('expired', 'cancelled')) AS reserved
       FROM products p WHERE p.id = $1`,
      [productId],
    );
    if (p.stock + p.reserved !== start) problems.push(`product ${productId}: stock ${p.stock} + reserved ${p.reserved} ≠ initial ${start}`);
    if (p.stock !== p.ledger) problems.push(`product ${productId}: stock ${p.stock} ≠ ledger sum ${p.ledger}`);
    if (p.stock < 0) problems.push(`product ${productId}: negative stock ${p.stock}`);
  }
  return problems;
}
