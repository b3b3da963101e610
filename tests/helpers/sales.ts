import type { TestContext } from './test-context';
import { buyerWithCart, checkout, orderCodeFrom } from './shopping';

export interface PlacedOrder {
  id: number;
  code: string;
}

/** An order placed by a new buyer through the real cart and checkout (VietQR, unpaid). */
export async function placeOrder(ctx: TestContext, lines: { productId: number; quantity: number }[]): Promise<PlacedOrder> {
  const buyer = await buyerWithCart(ctx, lines);
  const res = await checkout(buyer.agent);
  const code = orderCodeFrom(res);
  const [row] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
  return { id: row.id, code };
}

/** The same, then paid (as the payment webhook would). */
export async function placePaidOrder(ctx: TestContext, lines: { productId: number; quantity: number }[]): Promise<PlacedOrder> {
  const order = await placeOrder(ctx, lines);
  if (!(await ctx.container.orders.markPaid(order.id))) throw new Error(`order ${order.code} was not marked paid`);
  return order;
}

/** Moves an order's creation and payment back in time, as if it had happened then. */
export async function backdateOrder(ctx: TestContext, orderId: number, at: string): Promise<void> {
  await ctx.ds.query(`UPDATE orders SET created_at = $2::timestamptz, paid_at = CASE WHEN paid_at IS NULL THEN NULL ELSE $2::timestamptz END WHERE id = $1`, [
    orderId,
    at,
  ]);
}

/** The rows (body and footer) of a table on a page, as the reader sees each cell's text. */
export function tableRows(html: string, sectionId: string): string[][] {
  const start = html.indexOf(`id="${sectionId}"`);
  if (start < 0) throw new Error(`no #${sectionId} on the page`);
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) =>
      decodeHtml(
        cell[1]
          .replace(/<[^>]+>/g, ' ')
          .replace(/[ \t\r\n]+/g, ' ')
          .trim(),
      ),
    ),
  );
}

export function decodeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&');
}

/** A CSV file (as toCsv writes it) back into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
