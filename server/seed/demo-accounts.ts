import type { DataSource } from 'typeorm';
import { hashPassword } from '../modules/accounts/password';

/** Logins of the embedded demo, printed at start-up. Demo only: never created against DATABASE_URL unasked. */
export const DEMO_ACCOUNTS = {
  admin: { email: 'quantri@cho-ocop.vn', password: 'QuanTri@Demo2026', fullName: 'Quản trị viên Chợ OCOP' },
  seller: { email: 'hoptacxa@cho-ocop.vn', password: 'HopTacXa@Demo2026', fullName: 'Đại diện HTX Ong mật Lương Thịnh' },
  buyer: { email: 'nguoimua@cho-ocop.vn', password: 'NguoiMua@Demo2026', fullName: 'Nguyễn Thị Mai' },
} as const;

/** The demo seller takes over the owner account of this demo cooperative. */
const DEMO_SELLER_NAME = 'HTX Ong mật xã Lương Thịnh';

export async function seedDemoAccounts(dataSource: DataSource): Promise<void> {
  const { admin, seller, buyer } = DEMO_ACCOUNTS;
  await dataSource.transaction(async (m) => {
    for (const [account, role] of [[admin, 'admin'], [buyer, 'buyer']] as const) {
      await m.query(
        `INSERT INTO users (email, full_name, password_hash, role, phone) VALUES ($1, $2, $3, $4, '0912345678')
         ON CONFLICT (email) DO NOTHING`,
        [account.email, account.fullName, await hashPassword(account.password), role],
      );
    }
    const [owner] = (await m.query(`SELECT owner_user_id AS id FROM sellers WHERE name = $1`, [DEMO_SELLER_NAME])) as { id: number }[];
    const [taken] = (await m.query(`SELECT 1 FROM users WHERE email = $1`, [seller.email])) as unknown[];
    if (owner && !taken) {
      await m.query(`UPDATE users SET email = $2, full_name = $3, password_hash = $4, phone = '0987654321' WHERE id = $1`, [
        owner.id,
        seller.email,
        seller.fullName,
        await hashPassword(seller.password),
      ]);
    }
  });
}
