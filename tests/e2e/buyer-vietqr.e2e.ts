import { screenshot } from './support/artifacts';
import { VIEWPORTS, useE2E } from './support/fixture';
import { SoftChecks, clickAndWait, mainText, orderCodeFromUrl, placeOrder, see, seeText } from './support/flows';
import { fillCartFromTwoCooperativesAndSignIn } from './support/journeys';

const e2e = useE2E();

describe.each(VIEWPORTS)('buyer pays by VietQR ($name)', (vp) => {
  const journey = `buyer-vietqr-${vp.name}`;

  test('search, filter 4★, two cooperatives in the cart, log in at checkout, VietQR, paid with two parcels', async () => {
    const page = await (await e2e.newContext(vp)).newPage();
    const soft = new SoftChecks();
    const { honeySeller, teaSeller } = await fillCartFromTwoCooperativesAndSignIn(page, journey, soft);

    await placeOrder(page, 'Chuyển khoản VietQR', { street: 'Số 12 đường Cầu Mây', note: 'Gọi trước khi giao' }, /\/orders\/[^/]+\/pay$/);
    const code = orderCodeFromUrl(page.url());
    await see(page.getByRole('heading', { level: 1, name: `Thanh toán đơn ${code}` }), 'the pay page');
    const qr = page.getByRole('img', { name: /Mã VietQR/ });
    await see(qr, 'the VietQR image');
    expect(await qr.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0)).toBe(true);
    await seeText(page, '8888000012345');
    await seeText(page, 'CHO OCOP DEMO');
    await screenshot(page, journey, '06-pay-vietqr', soft);

    const order = (await e2e.store.db.query(`SELECT status, payment_method, total_vnd FROM orders WHERE code = $1`, [code]))[0];
    expect(order).toMatchObject({ status: 'pending_payment', payment_method: 'vietqr' });

    await clickAndWait(page, page.getByRole('button', { name: 'Mô phỏng chuyển khoản thành công' }), (u) => u.pathname === `/orders/${code}`);
    await see(page.getByRole('heading', { level: 1, name: `Đơn hàng ${code}` }), 'the order page');
    await see(page.getByText(/Trạng thái:\s*Đã thanh toán/), 'the status "Đã thanh toán"');
    const parcels = page.getByRole('region', { name: /^Kiện hàng của / });
    expect(await parcels.count()).toBe(2);
    await see(page.getByRole('region', { name: `Kiện hàng của ${honeySeller}` }), `the parcel of ${honeySeller}`);
    await see(page.getByRole('region', { name: `Kiện hàng của ${teaSeller}` }), `the parcel of ${teaSeller}`);
    await soft.check(page, 'parcels are numbered from 1 ("Kiện 1", "Kiện 2")', async () => {
      const headings = await parcels.getByRole('heading', { level: 2 }).allInnerTexts();
      expect(headings.map((h) => /^Kiện (\d+):/.exec(h)?.[1])).toEqual(['1', '2']);
    });
    const text = await mainText(page);
    expect(text).toContain('Lào Cai → Phường Sa Pa → Số 12 đường Cầu Mây');
    expect(text).not.toContain('Thanh toán ngay');
    await screenshot(page, journey, '07-order-paid', soft);

    const rows = await e2e.store.db.query(
      `SELECT o.status, o.paid_at IS NOT NULL AS paid, count(so.id)::int AS parts, bool_and(so.status = 'to_ship') AS to_ship
         FROM orders o JOIN seller_orders so ON so.order_id = o.id WHERE o.code = $1 GROUP BY o.id`,
      [code],
    );
    expect(rows[0]).toEqual({ status: 'paid', paid: true, parts: 2, to_ship: true });
    soft.assertAll();
  });
});
