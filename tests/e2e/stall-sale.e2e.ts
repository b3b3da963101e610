import { screenshot } from './support/artifacts';
import { MOBILE, useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, clickAndWait, login, see, seeText } from './support/flows';
import { makeFactories } from '../helpers/factories';

const e2e = useE2E();

/** A stall sale on a phone: the demo seller rings up two products, the buyer pays by transfer, both see it paid. */
describe('stall sale at a market day (mobile)', () => {
  const journey = 'stall-sale-mobile';

  test('the till, two products, a QR, the bank pays it, "Đã nhận tiền", the receipt on the buyer’s phone', async () => {
    // The demo cooperative lists one product; a second one for the till (test data, as the factories write it).
    const [{ id: sellerId }] = await e2e.store.db.query(`SELECT id FROM sellers WHERE name = 'HTX Ong mật xã Lương Thịnh'`);
    await makeFactories(e2e.store.db, { now: () => new Date() }).createProduct({
      sellerId,
      name: 'Sáp ong Lương Thịnh',
      priceVnd: 45000,
      unit: 'hộp',
      stock: 20,
    });
    const seller = await (await e2e.newContext(MOBILE)).newPage();
    const soft = new SoftChecks();
    await login(seller, DEMO_ACCOUNTS.seller, (u) => u.pathname === '/seller');
    await clickAndWait(seller, seller.getByRole('link', { name: 'Mở quầy bán hàng' }), (u) => u.pathname === '/seller/pos');
    await see(seller.getByRole('heading', { level: 1, name: 'Bán tại quầy' }), 'the till');

    const quantities = seller.locator('form.pos-till input[name="quantity"]');
    expect(await quantities.count()).toBeGreaterThanOrEqual(2);
    await quantities.nth(0).fill('2');
    await quantities.nth(1).fill('1');
    await screenshot(seller, journey, '01-till', soft);
    await clickAndWait(seller, seller.getByRole('button', { name: 'Tạo mã QR thanh toán' }), /\/seller\/pos\/sales\/[^/]+$/);
    const code = new URL(seller.url()).pathname.split('/').pop()!;

    const qr = seller.getByRole('img', { name: /Mã VietQR/ });
    await see(qr, 'the VietQR image');
    expect(await qr.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0)).toBe(true);
    await seeText(seller, code);
    await screenshot(seller, journey, '02-qr', soft);
    const [sale] = await e2e.store.db.query(
      `SELECT o.channel, o.status, o.buyer_user_id, count(i.id)::int AS lines FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.code = $1 GROUP BY o.id`,
      [code],
    );
    expect(sale).toEqual({ channel: 'stall', status: 'pending_payment', buyer_user_id: null, lines: 2 });

    // The demo bank simulation: a signed "money arrived" notice through the bank webhook.
    await seller.getByRole('button', { name: 'Mô phỏng chuyển khoản thành công' }).click();
    await see(seller.getByText('Đã nhận tiền'), 'the till turning to "Đã nhận tiền"', 15_000);
    await screenshot(seller, journey, '03-paid', soft);
    const receiptHref = await seller.getByRole('link', { name: 'Xem biên nhận' }).getAttribute('href');
    expect(receiptHref).toMatch(/^\/receipts\/[^/]+$/);

    // The buyer: another phone, no account, opens the receipt.
    const buyer = await (await e2e.newContext(MOBILE)).newPage();
    await buyer.goto(receiptHref!);
    await see(buyer.getByRole('heading', { level: 1, name: /Biên nhận/ }), 'the receipt');
    await seeText(buyer, code);
    await seeText(buyer, 'Đã thanh toán bằng chuyển khoản ngân hàng.');
    await screenshot(buyer, journey, '04-receipt', soft);

    const [paid] = await e2e.store.db.query(
      `SELECT o.status, o.paid_at IS NOT NULL AS paid, bool_and(so.status = 'delivered') AS delivered
         FROM orders o JOIN seller_orders so ON so.order_id = o.id WHERE o.code = $1 GROUP BY o.id`,
      [code],
    );
    expect(paid).toMatchObject({ paid: true, delivered: true });
    soft.assertAll();
  });
});
