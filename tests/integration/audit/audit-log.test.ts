import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { signInAsAdmin } from '../../helpers/auth';

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

/** The reasons shown on an audit page, top to bottom. */
const reasonsOn = (html: string) => [...html.matchAll(/<td>(Ghi chép số \d+)<\/td>/g)].map((m) => m[1]);
/** The id in the "Cũ hơn" link (Handlebars writes its `=` as `&#x3D;`), or null on the last page. */
const olderPageOn = (html: string) => html.match(/href="\/admin\/audit\?before(?:=|&#x3D;)(\d+)"/)?.[1] ?? null;

describe('GET /admin/audit — the audit log, newest first, 50 a page', () => {
  it('pages back through every entry once, and the last page offers no older link', async () => {
    await ctx.ds.query(
      `INSERT INTO audit_log (actor_user_id, action, target_type, target_id, reason, details)
       SELECT NULL, 'user.note', 'user', n::text, 'Ghi chép số ' || n, '{}'::jsonb FROM generate_series(1, 120) AS n`,
    );
    const seen: string[] = [];
    let href: string | null = '/admin/audit';
    const pages: number[] = [];
    while (href) {
      const page = await admin.get(href).expect(200);
      const reasons = reasonsOn(page.text);
      pages.push(reasons.length);
      seen.push(...reasons);
      const before = olderPageOn(page.text);
      href = before ? `/admin/audit?before=${before}` : null;
    }
    expect(pages).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `Ghi chép số ${120 - i}`));
  });
});
