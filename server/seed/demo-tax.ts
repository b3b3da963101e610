import type { Container } from '../container';
import { DEMO_ACCOUNTS } from './demo-accounts';

/** The demo household (hộ sản xuất) whose sale shows on /admin/tax; it has a (fictitious) citizen ID. */
export const DEMO_HOUSEHOLD = { name: 'Hộ kinh doanh Hà Thị Dung', citizenId: '010190012345' } as const;

/**
 * One paid order of the demo household, so the tax declaration of the embedded demo is not empty.
 * It goes the real way: the demo buyer's cart, checkout, and the bank feed's path (the demo's
 * simulated transfer), where the tax module withholds VAT and PIT. Once only: nothing happens if the
 * household already has an order, or without the demo buyer.
 */
export async function seedDemoTaxSale(container: Container): Promise<string | null> {
  const ds = container.dataSource;
  const [household] = (await ds.query(
    `SELECT s.id, (SELECT count(*)::int FROM seller_orders so WHERE so.seller_id = s.id) AS orders FROM sellers s WHERE s.name = $1`,
    [DEMO_HOUSEHOLD.name],
  )) as { id: number; orders: number }[];
  const [buyer] = (await ds.query(`SELECT id, role FROM users WHERE email = $1`, [DEMO_ACCOUNTS.buyer.email])) as { id: number; role: 'buyer' }[];
  if (!household || household.orders > 0 || !buyer) return null;
  const [product] = (await ds.query(`SELECT id FROM products WHERE seller_id = $1 AND status = 'active' AND stock >= 2 ORDER BY id LIMIT 1`, [
    household.id,
  ])) as { id: number }[];
  if (!product) return null;
  const owner = { userId: buyer.id };
  await container.cart.addItem(owner, product.id, 2);
  const { code } = await container.orders.checkout(buyer, owner, {
    recipientName: DEMO_ACCOUNTS.buyer.fullName,
    phone: '0912345678',
    province: 'Lào Cai',
    commune: 'Phường Sa Pa',
    street: 'Số 5 đường Cầu Mây',
    paymentMethod: 'vietqr',
  });
  await container.paymentIntake.simulateBankTransfer(buyer, code);
  return code;
}
