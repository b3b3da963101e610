import { screenshot } from './support/artifacts';
import { VIEWPORTS, useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, addToCart, clickAndWait, login, openProduct, orderCodeFromUrl, placeOrder, searchFromHeader, see } from './support/flows';
import { sellerOnProductPage } from './support/journeys';

const e2e = useE2E();
const DEMO_SELLER = 'HTX Ong mật xã Lương Thịnh';

describe.each(VIEWPORTS)('the demo cooperative ships a paid order ($name)', (vp) => {
  const journey = `seller-ships-${vp.name}`;

  test('buyer pays by VietQR → seller enters a tracking number, "Đã gửi hàng" → buyer sees it "Đang giao"', async () => {
    const soft = new SoftChecks();
    // The buyer orders the demo cooperative's honey and pays (demo bank transfer).
    const buyer = await (await e2e.newContext(vp)).newPage();
    await login(buyer, DEMO_ACCOUNTS.buyer);
    await searchFromHeader(buyer, 'mat ong luong thinh');
    await openProduct(buyer, 'Mật ong Lương Thịnh');
    expect(await sellerOnProductPage(buyer)).toBe(DEMO_SELLER);
    await addToCart(buyer, 3);
    await clickAndWait(buyer, buyer.getByRole('link', { name: 'Tiến hành đặt hàng' }), (u) => u.pathname === '/checkout');
    await placeOrder(buyer, 'Chuyển khoản VietQR', { street: 'Tổ 5, đường Hoàng Liên', commune: 'Phường Lào Cai' }, /\/orders\/[^/]+\/pay$/);
    const code = orderCodeFromUrl(buyer.url());
    await clickAndWait(buyer, buyer.getByRole('button', { name: 'Mô phỏng chuyển khoản thành công' }), (u) => u.pathname === `/orders/${code}`);
    await see(buyer.getByText(/Trạng thái:\s*Đã thanh toán/), 'the paid order');
    const parcel = buyer.getByRole('region', { name: `Kiện hàng của ${DEMO_SELLER}` });
    await see(parcel.getByText('Chờ gửi hàng'), 'the parcel waiting to be shipped');
    await screenshot(buyer, journey, '01-buyer-order-paid', soft);

    // The cooperative ships it.
    const seller = await (await e2e.newContext(vp)).newPage();
    await login(seller, DEMO_ACCOUNTS.seller, (u) => u.pathname === '/seller');
    await seller.goto('/seller/orders');
    await see(seller.getByRole('heading', { level: 1, name: 'Đơn hàng' }), 'the seller order list');
    const row = seller.getByRole('row').filter({ has: seller.getByRole('link', { name: code, exact: true }) });
    await see(row.getByText('Chờ gửi hàng'), `order ${code} waiting to be shipped`);
    await screenshot(seller, journey, '02-seller-orders', soft);
    await clickAndWait(seller, row.getByRole('link', { name: code, exact: true }), (u) => u.pathname === `/seller/orders/${code}`);
    await see(seller.getByRole('heading', { level: 1, name: new RegExp(`Đơn hàng ${code}`) }), 'the seller order page');
    await see(seller.getByText('Mật ong Lương Thịnh (chai 500ml)'), 'the ordered honey');
    await see(seller.getByText('Tổ 5, đường Hoàng Liên', { exact: false }), 'the delivery address');
    const tracking = `VTP${vp.name === 'desktop' ? '1' : '2'}234567890`;
    await seller.getByLabel('Mã vận đơn').fill(tracking);
    await screenshot(seller, journey, '03-seller-order-to-ship', soft);
    await clickAndWait(seller, seller.getByRole('button', { name: 'Đã gửi hàng' }), (u) => u.pathname === `/seller/orders/${code}`);
    await see(seller.getByRole('heading', { level: 1, name: /Đang giao/ }), 'the status "Đang giao" for the seller');
    await see(seller.getByText(tracking), 'the tracking number for the seller');
    expect(await seller.getByRole('button', { name: 'Đã gửi hàng' }).count()).toBe(0);
    await screenshot(seller, journey, '04-seller-order-shipped', soft);

    const [part] = await e2e.store.db.query(
      `SELECT so.status, so.tracking_no FROM seller_orders so JOIN orders o ON o.id = so.order_id JOIN sellers s ON s.id = so.seller_id
        WHERE o.code = $1 AND s.name = $2`,
      [code, DEMO_SELLER],
    );
    expect(part).toEqual({ status: 'shipped', tracking_no: tracking });

    // The buyer sees it on the way.
    await buyer.goto(`/orders/${code}`);
    await see(parcel.getByText('Đang giao'), 'the parcel "Đang giao" for the buyer');
    await see(parcel.getByText(`Mã vận đơn: ${tracking}`), 'the tracking number for the buyer');
    await screenshot(buyer, journey, '05-buyer-order-shipping', soft);
    soft.assertAll();
  });
});
