import type { DataSource } from 'typeorm';

/**
 * The province of a buyer's most recent online order, whatever its status: users keep no address of
 * their own, so this one stands for the account's (the shipping module's fee line, the cart's estimate,
 * checkout's default province). One row from orders_buyer_idx (buyer_user_id, id DESC); a stall sale
 * has no buyer and no address.
 */
export function latestDeliveryProvince(dataSource: DataSource): (buyerUserId: number) => Promise<string | null> {
  return async (buyerUserId) => {
    const [row] = (await dataSource.query(`SELECT province FROM orders WHERE buyer_user_id = $1 AND channel = 'online' ORDER BY id DESC LIMIT 1`, [
      buyerUserId,
    ])) as { province: string }[];
    return row?.province ?? null;
  };
}
