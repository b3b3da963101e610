import type { Container } from '../container';

/** Demo buyers who write the demo reviews. No password: nobody signs in with them. */
const DEMO_REVIEWERS = [
  { email: 'danhgia.hung@demo.cho-ocop.vn', fullName: 'Trần Văn Hùng' },
  { email: 'danhgia.hoa@demo.cho-ocop.vn', fullName: 'Lê Thị Hoa' },
  { email: 'danhgia.duc@demo.cho-ocop.vn', fullName: 'Phạm Minh Đức' },
  { email: 'danhgia.my@demo.cho-ocop.vn', fullName: 'Vàng Thị Mỷ' },
] as const;

/** Per reviewed product, the reviewers' stars and words (reviewer i writes line i). */
const REVIEWS: [number, string][][] = [
  [
    [5, 'Mật ong thơm, đặc, đóng chai cẩn thận. Giao sau 2 ngày.'],
    [5, 'Mua lần thứ hai, vẫn ngon như lần đầu.'],
    [4, 'Ngon, nhưng mong có chai nhỏ hơn để làm quà.'],
  ],
  [
    [4, 'Chất lượng tốt, giá hợp lý.'],
    [5, ''],
  ],
  [
    [3, 'Hàng ổn, đóng gói hơi sơ sài.'],
    [5, 'Rất hài lòng, sẽ ủng hộ hợp tác xã tiếp.'],
    [4, 'Đúng như mô tả.'],
    [5, 'Cả nhà đều thích.'],
  ],
];

const ADDRESS = {
  phone: '0912345678',
  province: 'Lào Cai',
  commune: 'Phường Sa Pa',
  street: 'Số 12 đường Xuân Viên',
  paymentMethod: 'vietqr',
} as const;

/**
 * A buyer's delivered order of one product, the real way: cart, checkout, paid, then shipped and
 * delivered by the cooperative's owner (OrderLifecycle writes every move). Returns the order code
 * and its item's id.
 */
export async function deliverDemoOrder(
  container: Container,
  buyer: { id: number; fullName: string },
  product: { id: number; ownerUserId: number },
): Promise<{ code: string; itemId: number }> {
  const ds = container.dataSource;
  const owner = { userId: buyer.id };
  const actor = { id: buyer.id, role: 'buyer' as const };
  await container.cart.addItem(owner, product.id, 1);
  const { code } = await container.orders.checkout(actor, owner, { recipientName: buyer.fullName, ...ADDRESS });
  const [order] = (await ds.query(`SELECT id FROM orders WHERE code = $1`, [code])) as { id: number }[];
  await container.orders.markPaid(order.id);
  const seller = { id: product.ownerUserId, role: 'seller' as const };
  await container.orders.updateSellerOrder(seller, code, { status: 'shipped', trackingNo: 'DEMO0001' });
  await container.orders.updateSellerOrder(seller, code, { status: 'delivered' });
  const [item] = (await ds.query(`SELECT id FROM order_items WHERE order_id = $1 AND product_id = $2`, [order.id, product.id])) as { id: number }[];
  return { code, itemId: item.id };
}

/**
 * Reviews on three demo products (the demo cooperative's first), each from a demo buyer's delivered
 * order through the orders and reviews services, and the cooperative's reply to one. Once only:
 * nothing happens when any review exists, or without the demo cooperative's products.
 */
export async function seedDemoReviews(container: Container): Promise<number> {
  const ds = container.dataSource;
  const [any] = (await ds.query(`SELECT 1 FROM reviews LIMIT 1`)) as unknown[];
  if (any) return 0;
  const products = (await ds.query(
    `SELECT p.id, s.owner_user_id AS "ownerUserId" FROM products p JOIN sellers s ON s.id = p.seller_id
     WHERE p.status = 'active' AND s.status = 'approved' AND p.stock >= 10
     ORDER BY (s.name = 'HTX Ong mật xã Lương Thịnh') DESC, p.id
     LIMIT $1`,
    [REVIEWS.length],
  )) as { id: number; ownerUserId: number }[];
  if (products.length === 0) return 0;

  const reviewers: { id: number; fullName: string }[] = [];
  for (const r of DEMO_REVIEWERS) {
    const [row] = (await ds.query(
      `INSERT INTO users (email, full_name, role) VALUES ($1, $2, 'buyer')
       ON CONFLICT (email) DO UPDATE SET full_name = EXCLUDED.full_name RETURNING id, full_name AS "fullName"`,
      [r.email, r.fullName],
    )) as { id: number; fullName: string }[];
    reviewers.push(row);
  }

  let written = 0;
  for (const [index, product] of products.entries()) {
    for (const [i, [rating, comment]] of REVIEWS[index].entries()) {
      const buyer = reviewers[i];
      const { code, itemId } = await deliverDemoOrder(container, buyer, product);
      await container.reviews.submit({ id: buyer.id, role: 'buyer' }, code, itemId, { rating, comment });
      written++;
    }
  }
  // The cooperative answers the first product's most critical review.
  const [critical] = (await ds.query(`SELECT id FROM reviews WHERE product_id = $1 ORDER BY rating, id LIMIT 1`, [products[0].id])) as { id: number }[];
  if (critical) {
    await container.reviews.reply(
      { id: products[0].ownerUserId, role: 'seller' },
      critical.id,
      'Cảm ơn anh/chị đã góp ý. Hợp tác xã đang làm thêm chai 250ml, sẽ lên chợ trong tháng tới.',
    );
  }
  return written;
}
