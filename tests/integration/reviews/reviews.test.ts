import request from 'supertest';
import { createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { deliveredOrder, jsonLdOf, postReview, ratingsOf } from '../../helpers/reviews';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Chè Shan Tuyết' });
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

const HOSTILE = '<script>alert("x")</script> Chè ngon & thơm';
const reviewCount = async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM reviews`))[0].n as number;
const ratingRows = async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM product_ratings`))[0].n as number;
const product = (name: string, extra: { stock?: number } = {}) => ctx.factories.createProduct({ sellerId: seller.sellerId, name, stock: extra.stock ?? 50 });

describe('who may review', () => {
  it('only the buyer of a delivered part: another buyer 404, a seller or an admin 403, a part not yet delivered 409; nothing written', async () => {
    const p = await product('Chè Shan Tuyết Suối Giàng');
    const delivered = await deliveredOrder(ctx, p);
    const undelivered = await deliveredOrder(ctx, p, { deliver: false });

    const stranger = await signIn(ctx.app, (await createAccount(ctx.ds)).email);
    const strangerToken = csrfFrom((await stranger.get('/account')).text);
    const asStranger = await stranger
      .post(`/orders/${delivered.code}/items/${delivered.itemId}/review`)
      .type('form')
      .send({ _csrf: strangerToken, rating: '5' });
    expect(asStranger.status).toBe(404);

    const sellerToken = csrfFrom((await seller.agent.get('/seller')).text);
    const asSeller = await seller.agent
      .post(`/orders/${delivered.code}/items/${delivered.itemId}/review`)
      .type('form')
      .send({ _csrf: sellerToken, rating: '5' });
    expect(asSeller.status).toBe(403);

    const adminToken = csrfFrom((await admin.get('/admin/reviews')).text);
    const asAdmin = await admin.post(`/orders/${delivered.code}/items/${delivered.itemId}/review`).type('form').send({ _csrf: adminToken, rating: '5' });
    expect(asAdmin.status).toBe(403);

    // A buyer naming an item of someone else's order under their own order's code.
    const wrongOrder = await postReview(delivered.agent, delivered.code, undelivered.itemId, { rating: '5' });
    expect(wrongOrder.status).toBe(404);

    const notYet = await postReview(undelivered.agent, undelivered.code, undelivered.itemId, { rating: '5' });
    expect(notYet.status).toBe(409);
    expect(notYet.text).toContain('khi kiện hàng đã giao xong');
    // The order page of a part on its way offers no form.
    expect((await undelivered.agent.get(`/orders/${undelivered.code}`)).text).not.toContain('/review"');

    const signedOut = await request(ctx.app).post(`/orders/${delivered.code}/items/${delivered.itemId}/review`).type('form').send({ rating: '5' });
    expect(signedOut.status).toBe(403); // no session, no form token

    expect(await reviewCount()).toBe(0);
    expect(await ratingRows()).toBe(0);
  });

  it('a form without stars is shown again (422) under its item with the message; nothing written', async () => {
    const p = await product('Mật ong bạc hà');
    const order = await deliveredOrder(ctx, p);
    const res = await postReview(order.agent, order.code, order.itemId, { comment: 'Ngon' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Vui lòng chọn số sao (1–5).');
    expect(res.text).toContain(`id="review-${order.itemId}"`);
    expect(res.text).toContain('>Ngon</textarea>');
    const tooLong = await postReview(order.agent, order.code, order.itemId, { rating: '4', comment: 'a'.repeat(2001) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain('Nhận xét tối đa 2.000 ký tự.');
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM reviews WHERE product_id = $1`, [p.id]))[0].n).toBe(0);
  });
});

describe('a review, its edits and the product page', () => {
  it('is written once per item, edited by a second post, refused after 30 days; the page, cards, API and JSON-LD follow', async () => {
    const p = await product('Chè Shan Tuyết cổ thụ');
    const before = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    const ldBefore = jsonLdOf(before.text)[0];
    expect(ldBefore.aggregateRating).toBeUndefined();
    expect(ldBefore.review).toBeUndefined();
    expect(before.text).not.toContain('id="reviews"');
    const apiBefore = await request(ctx.app).get(`/api/v1/products/${p.slug}`).expect(200);
    expect(apiBefore.body.rating).toEqual({ average: null, count: 0 });

    const a = await deliveredOrder(ctx, p);
    const b = await deliveredOrder(ctx, p);
    const page = await a.agent.get(`/orders/${a.code}`);
    expect(page.text).toContain(`action="/orders/${a.code}/items/${a.itemId}/review"`);
    expect(page.text).toContain('type="radio" name="rating" value="5"');

    const first = await postReview(a.agent, a.code, a.itemId, { rating: '5', comment: HOSTILE });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/orders/${a.code}#review-${a.itemId}`);
    expect((await postReview(b.agent, b.code, b.itemId, { rating: '4' })).status).toBe(303);

    let { aggregate, truth } = await ratingsOf(ctx, p.id);
    expect(aggregate).toEqual(truth);
    expect(aggregate).toMatchObject({ count: 2, sum: 9, s4: 1, s5: 1, average: '4.50' });

    const productPage = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    expect(productPage.text).toContain('4,5 ★');
    expect(productPage.text).toContain('2 đánh giá');
    expect(productPage.text).toContain('Đã mua hàng');
    // The histogram, 5★ first: one review each at 5★ and 4★ (50 % of two), none below.
    const bars = [
      ...productPage.text.matchAll(/<li><span>(\d) ★<\/span> <meter min="0" max="100" value="(\d+)">\d+%<\/meter> <span class="muted">(\d+)<\/span><\/li>/g),
    ].map((m) => m.slice(1).join('/'));
    expect(bars).toEqual(['5/50/1', '4/50/1', '3/0/0', '2/0/0', '1/0/0']);
    expect(productPage.text).toContain('<strong>N. M. thử</strong>'); // "Người mua thử": the given name and initials
    expect(productPage.text).not.toContain('<script>alert');
    expect(productPage.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Chè ngon &amp; thơm');
    const ld = jsonLdOf(productPage.text)[0] as { aggregateRating: Record<string, unknown>; review: Record<string, unknown>[] };
    expect(ld.aggregateRating).toEqual({ '@type': 'AggregateRating', ratingValue: 4.5, reviewCount: 2, bestRating: 5, worstRating: 1 });
    expect(ld.review).toHaveLength(2);
    expect(ld.review.map((r) => (r.reviewRating as { ratingValue: number }).ratingValue).sort()).toEqual([4, 5]);
    expect(ld.review.some((r) => r.reviewBody === HOSTILE)).toBe(true);
    // The script element holds no raw "<" (a comment cannot close it).
    expect(/<script type="application\/ld\+json">[^<]*<\/script>/.test(productPage.text)).toBe(true);

    const api = await request(ctx.app).get(`/api/v1/products/${p.slug}`).expect(200);
    expect(api.body.rating).toEqual({ average: 4.5, count: 2 });
    const list = await request(ctx.app)
      .get(`/api/v1/products?q=${encodeURIComponent('Chè Shan Tuyết cổ thụ')}`)
      .expect(200);
    expect(list.body.items.find((i: { id: number }) => i.id === p.id).rating).toEqual({ average: 4.5, count: 2 });
    const listing = await request(ctx.app).get('/products').expect(200);
    expect(listing.text).toContain('<span class="card-rating">4,5 ★ <small>(2)</small></span>');

    // The author's order page: their review, escaped, with its edit form.
    const mine = await a.agent.get(`/orders/${a.code}`);
    expect(mine.text).toContain('Đánh giá của bạn:');
    expect(mine.text).toContain('&lt;script&gt;alert');
    expect(mine.text).not.toContain('<script>alert');
    expect(mine.text).toContain('value="5" checked');
    expect(mine.text).toContain('Sửa đánh giá');

    // A second post edits the same review (still one row), and the aggregate moves 5 → 2.
    const edit = await postReview(a.agent, a.code, a.itemId, { rating: '2', comment: 'Đổi ý' });
    expect(edit.status).toBe(303);
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM reviews WHERE order_item_id = $1`, [a.itemId]))[0].n).toBe(1);
    ({ aggregate, truth } = await ratingsOf(ctx, p.id));
    expect(aggregate).toEqual(truth);
    expect(aggregate).toMatchObject({ count: 2, sum: 6, s2: 1, s4: 1, s5: 0, average: '3.00' });

    // 31 days later the window is closed: refused with the reason, nothing changes.
    ctx.setNow(new Date(Date.now() + 31 * 24 * 3600 * 1000));
    try {
      const late = await postReview(a.agent, a.code, a.itemId, { rating: '5', comment: 'Muộn' });
      expect(late.status).toBe(409);
      expect(late.text).toContain('Đánh giá chỉ sửa được trong 30 ngày sau khi viết; đã quá hạn.');
      const [row] = await ctx.ds.query(`SELECT rating, comment FROM reviews WHERE order_item_id = $1`, [a.itemId]);
      expect(row).toEqual({ rating: 2, comment: 'Đổi ý' });
      expect((await ratingsOf(ctx, p.id)).aggregate).toMatchObject({ count: 2, sum: 6 });
      // The order page no longer offers the form, only the review.
      const closed = await a.agent.get(`/orders/${a.code}`);
      expect(closed.text).toContain('Đổi ý');
      expect(closed.text).not.toContain(`action="/orders/${a.code}/items/${a.itemId}/review"`);
    } finally {
      ctx.setNow(new Date());
    }
  });

  it('the product page pages its reviews ten at a time, newest first (?reviewsPage=)', async () => {
    const p = await product('Gạo Séng Cù', { stock: 100 });
    const orders = [];
    for (let i = 0; i < 12; i++) orders.push(await deliveredOrder(ctx, p, { fast: true }));
    for (const [i, o] of orders.entries()) expect((await postReview(o.agent, o.code, o.itemId, { rating: '4', comment: `Nhận xét số ${i}` })).status).toBe(303);
    const one = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    expect(one.text).toContain('Nhận xét số 11');
    expect(one.text).toContain('Nhận xét số 2<');
    expect(one.text).not.toContain('Nhận xét số 1<');
    expect(one.text).toContain(`href="/products/${p.slug}?reviewsPage&#x3D;2#reviews"`);
    const two = await request(ctx.app).get(`/products/${p.slug}?reviewsPage=2`).expect(200);
    expect(two.text).toContain('Nhận xét số 1<');
    expect(two.text).toContain('Nhận xét số 0<');
    expect(two.text).not.toContain('Nhận xét số 2<');
    expect((await request(ctx.app).get(`/products/${p.slug}?reviewsPage=abc`)).status).toBe(200);
  });
});

describe('the seller replies, the admin hides', () => {
  it('a reply once and only by the review’s cooperative; hiding removes it from averages, the page and JSON, audited, and the author sees why', async () => {
    const p = await product('Rượu táo mèo');
    const a = await deliveredOrder(ctx, p);
    const b = await deliveredOrder(ctx, p);
    expect((await postReview(a.agent, a.code, a.itemId, { rating: '1', comment: HOSTILE })).status).toBe(303);
    expect((await postReview(b.agent, b.code, b.itemId, { rating: '5', comment: 'Rất ngon' })).status).toBe(303);
    const [{ id: reviewA }] = await ctx.ds.query(`SELECT id FROM reviews WHERE order_item_id = $1`, [a.itemId]);

    // Another cooperative: not its review (404), nothing written.
    const other = await signInAsSeller(ctx.app, ctx.ds);
    const otherToken = csrfFrom((await other.agent.get('/seller/reviews')).text);
    expect((await other.agent.post(`/seller/reviews/${reviewA}/reply`).type('form').send({ _csrf: otherToken, reply: 'Chen ngang' })).status).toBe(404);

    // The owning cooperative's list shows the review (escaped) with a reply form.
    const list = await seller.agent.get('/seller/reviews').expect(200);
    expect(list.text).toContain('Rượu táo mèo');
    expect(list.text).toContain('&lt;script&gt;alert');
    expect(list.text).not.toContain('<script>alert');
    expect(list.text).toContain(`action="/seller/reviews/${reviewA}/reply"`);
    const token = csrfFrom(list.text);
    expect((await seller.agent.post(`/seller/reviews/${reviewA}/reply`).type('form').send({ _csrf: token, reply: '  ' })).status).toBe(422);
    const reply = await seller.agent
      .post(`/seller/reviews/${reviewA}/reply`)
      .type('form')
      .send({ _csrf: token, reply: 'Xin lỗi <b>anh</b>, HTX sẽ đổi hàng.' });
    expect(reply.status).toBe(303);
    const again = await seller.agent.post(`/seller/reviews/${reviewA}/reply`).type('form').send({ _csrf: token, reply: 'Lần hai' });
    expect(again.status).toBe(409);
    const [replied] = await ctx.ds.query(`SELECT reply, replied_by AS "repliedBy" FROM reviews WHERE id = $1`, [reviewA]);
    expect(replied).toEqual({ reply: 'Xin lỗi <b>anh</b>, HTX sẽ đổi hàng.', repliedBy: seller.userId });
    const pageWithReply = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    expect(pageWithReply.text).toContain('Phản hồi của HTX Chè Shan Tuyết');
    expect(pageWithReply.text).toContain('Xin lỗi &lt;b&gt;anh&lt;/b&gt;');
    expect((await a.agent.get(`/orders/${a.code}`)).text).toContain('Xin lỗi &lt;b&gt;anh&lt;/b&gt;');
    expect((await ratingsOf(ctx, p.id)).aggregate).toMatchObject({ count: 2, sum: 6, average: '3.00' });

    // The admin list marks nothing hidden yet and escapes the comment; a hide needs a reason.
    const adminList = await admin.get('/admin/reviews').expect(200);
    expect(adminList.text).toContain('&lt;script&gt;alert');
    expect(adminList.text).not.toContain('<script>alert');
    const adminToken = csrfFrom(adminList.text);
    const noReason = await admin.post(`/admin/reviews/${reviewA}/hide`).type('form').send({ _csrf: adminToken, reason: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('Vui lòng nhập lý do ẩn đánh giá');
    expect((await ctx.ds.query(`SELECT hidden_at FROM reviews WHERE id = $1`, [reviewA]))[0].hidden_at).toBeNull();
    // Only an admin hides.
    const sellerToken = csrfFrom((await seller.agent.get('/seller/reviews')).text);
    expect((await seller.agent.post(`/admin/reviews/${reviewA}/hide`).type('form').send({ _csrf: sellerToken, reason: 'Không thích' })).status).toBe(403);

    const hide = await admin.post(`/admin/reviews/${reviewA}/hide`).type('form').send({ _csrf: adminToken, reason: 'Ngôn từ <không phù hợp>' });
    expect(hide.status).toBe(303);
    let { aggregate, truth } = await ratingsOf(ctx, p.id);
    expect(aggregate).toEqual(truth);
    expect(aggregate).toMatchObject({ count: 1, sum: 5, s1: 0, s5: 1, average: '5.00' });
    const [audit] = await ctx.ds.query(`SELECT action, target_type, target_id, reason, details FROM audit_log WHERE action = 'review.hidden'`);
    expect(audit).toMatchObject({
      target_type: 'product',
      target_id: String(p.id),
      reason: 'Ngôn từ <không phù hợp>',
      details: { reviewId: reviewA, rating: 1 },
    });

    const auditPage = await admin.get('/admin/audit').expect(200);
    expect(auditPage.text).toContain('Ẩn đánh giá sản phẩm');
    expect(auditPage.text).toContain('Ngôn từ &lt;không phù hợp&gt;');

    // Hiding again changes nothing (no second subtraction, no second audit row).
    expect((await admin.post(`/admin/reviews/${reviewA}/hide`).type('form').send({ _csrf: adminToken, reason: 'Lần nữa' })).status).toBe(303);
    ({ aggregate, truth } = await ratingsOf(ctx, p.id));
    expect(aggregate).toEqual(truth);
    expect(aggregate).toMatchObject({ count: 1, sum: 5 });
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'review.hidden'`))[0].n).toBe(1);

    const publicPage = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    expect(publicPage.text).not.toContain('alert(');
    expect(publicPage.text).toContain('5,0 ★');
    expect(publicPage.text).toContain('1 đánh giá');
    const ld = jsonLdOf(publicPage.text)[0] as { aggregateRating: { ratingValue: number; reviewCount: number }; review: unknown[] };
    expect(ld.aggregateRating).toMatchObject({ ratingValue: 5, reviewCount: 1 });
    expect(ld.review).toHaveLength(1);
    expect((await request(ctx.app).get(`/api/v1/products/${p.slug}`)).body.rating).toEqual({ average: 5, count: 1 });
    const marked = await admin.get('/admin/reviews');
    expect(marked.text).toContain('review-hidden');
    expect(marked.text).toContain('Đánh giá đã bị ẩn: Ngôn từ &lt;không phù hợp&gt;');

    // The author still sees their review, with the reason; editing it keeps it out of the aggregate.
    const authorPage = await a.agent.get(`/orders/${a.code}`);
    expect(authorPage.text).toContain('Đánh giá đã bị ẩn: Ngôn từ &lt;không phù hợp&gt;');
    expect((await postReview(a.agent, a.code, a.itemId, { rating: '3' })).status).toBe(303);
    expect((await ratingsOf(ctx, p.id)).aggregate).toMatchObject({ count: 1, sum: 5 });

    // Hiding the last visible review: the page loses the block and the JSON-LD its rating.
    const [{ id: reviewB }] = await ctx.ds.query(`SELECT id FROM reviews WHERE order_item_id = $1`, [b.itemId]);
    await admin.post(`/admin/reviews/${reviewB}/hide`).type('form').send({ _csrf: adminToken, reason: 'Kiểm thử' }).expect(303);
    const empty = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    expect(empty.text).not.toContain('id="reviews"');
    expect(jsonLdOf(empty.text)[0].aggregateRating).toBeUndefined();
    expect((await request(ctx.app).get(`/api/v1/products/${p.slug}`)).body.rating).toEqual({ average: null, count: 0 });
  });
});

describe('sort=rating', () => {
  it('lists the best average first, then the most reviews, unreviewed products last', async () => {
    const s = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Xếp hạng' });
    const mk = (name: string) => ctx.factories.createProduct({ sellerId: s.sellerId, name, stock: 20 });
    const [none, four, fiveOne, fiveTwo] = [await mk('Xếp hạng không'), await mk('Xếp hạng bốn'), await mk('Xếp hạng năm một'), await mk('Xếp hạng năm hai')];
    const review = async (p: { id: number; sellerId: number }, rating: string) => {
      const o = await deliveredOrder(ctx, p, { fast: true });
      expect((await postReview(o.agent, o.code, o.itemId, { rating })).status).toBe(303);
    };
    await review(four, '4');
    await review(fiveOne, '5');
    await review(fiveTwo, '5');
    await review(fiveTwo, '5');
    const res = await request(ctx.app).get(`/api/v1/products?sort=rating`).expect(200);
    const ids = (res.body.items as { id: number }[]).map((i) => i.id).filter((id) => [none.id, four.id, fiveOne.id, fiveTwo.id].includes(id));
    expect(ids).toEqual([fiveTwo.id, fiveOne.id, four.id, none.id]);
    const html = await request(ctx.app).get(`/sellers/${s.slug}?sort=rating`).expect(200);
    const order = [fiveTwo, fiveOne, four, none].map((p) => html.text.indexOf(`/products/${p.slug}"`));
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]))).toBe(true);
    const listing = await request(ctx.app).get('/products?sort=rating').expect(200);
    expect(listing.text).toContain('<option value="rating" selected>Đánh giá cao nhất</option>');

    // Past the first page ("Trang sau"): the keyset cursor walks the same order, every listed product once.
    for (let i = 0; i < 26; i++) await ctx.factories.createProduct({ sellerId: s.sellerId, name: `Xếp hạng thêm ${i}` });
    const seen: number[] = [];
    let cursor: string | null = '';
    do {
      const page: request.Response = await request(ctx.app)
        .get(`/api/v1/products?sort=rating${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...(page.body.items as { id: number }[]).map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM products WHERE status = 'active'`);
    expect(seen.length).toBeGreaterThan(24);
    expect(new Set(seen).size).toBe(n);
    expect(seen.length).toBe(n);
    const positions = [fiveTwo, fiveOne, four, none].map((p) => seen.indexOf(p.id));
    expect(positions.slice(0, 3).every((pos, i) => pos >= 0 && (i === 0 || pos > positions[i - 1]))).toBe(true);
    expect(positions[3]).toBeGreaterThan(positions[2]);
  });
});

describe('a digital-team member acting for a household', () => {
  it('reads and answers the household’s reviews; the audit row names both', async () => {
    const household = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Sùng A Páo' });
    const p = await ctx.factories.createProduct({ sellerId: household.sellerId, name: 'Rượu ngô Bản Phố', stock: 10 });
    const o = await deliveredOrder(ctx, p);
    expect((await postReview(o.agent, o.code, o.itemId, { rating: '4', comment: 'Thơm' })).status).toBe(303);
    const [{ id: reviewId }] = await ctx.ds.query(`SELECT id FROM reviews WHERE order_item_id = $1`, [o.itemId]);
    const [team] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ('Tổ CNS Bắc Hà', 'Phường Sa Pa') RETURNING id`);
    const account = await createAccount(ctx.ds, { fullName: 'Lò Văn Tâm' });
    await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, account.id]);
    await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.sellerId]);
    const member = await signIn(ctx.app, account.email);
    const teamToken = csrfFrom((await member.get('/team')).text);
    expect((await member.post(`/team/households/${household.sellerId}/act`).type('form').send({ _csrf: teamToken })).status).toBe(303);

    const list = await member.get('/seller/reviews').expect(200);
    expect(list.text).toContain('Rượu ngô Bản Phố');
    const res = await member
      .post(`/seller/reviews/${reviewId}/reply`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text), reply: 'Cảm ơn bác.' });
    expect(res.status).toBe(303);
    const [row] = await ctx.ds.query(`SELECT reply, replied_by AS "repliedBy" FROM reviews WHERE id = $1`, [reviewId]);
    expect(row).toEqual({ reply: 'Cảm ơn bác.', repliedBy: account.id });
    const [audit] = await ctx.ds.query(
      `SELECT actor_user_id, target_id, details FROM audit_log WHERE action = 'team.acted_for' AND details->>'what' = 'review.replied'`,
    );
    expect(audit).toMatchObject({
      actor_user_id: account.id,
      target_id: String(household.sellerId),
      details: { reviewId, onBehalfOfSellerId: household.sellerId },
    });
  });
});
