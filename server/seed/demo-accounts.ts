import type { DataSource } from 'typeorm';
import { ConfigError } from '../config';
import { hashPassword, verifyPassword } from '../modules/accounts/password';

/**
 * Logins of the embedded demo, printed at start-up and published in the README. Demo only: never
 * created against DATABASE_URL unasked, never in production.
 */
export const DEMO_ACCOUNTS = {
  admin: { email: 'quantri@cho-ocop.vn', password: 'QuanTri@Demo2026', fullName: 'Quản trị viên Chợ OCOP' },
  seller: { email: 'hoptacxa@cho-ocop.vn', password: 'HopTacXa@Demo2026', fullName: 'Đại diện HTX Ong mật Lương Thịnh' },
  buyer: { email: 'nguoimua@cho-ocop.vn', password: 'NguoiMua@Demo2026', fullName: 'Nguyễn Thị Mai' },
  /** A buyer who is a member of the demo's community digital team (server/seed/demo-team.ts). */
  team: { email: 'tocongnghe@cho-ocop.vn', password: 'ToCongNghe@Demo2026', fullName: 'Lò Văn Tâm' },
} as const;

/** The demo seller takes over the owner account of this demo cooperative. */
const DEMO_SELLER_NAME = 'HTX Ong mật xã Lương Thịnh';

export async function seedDemoAccounts(dataSource: DataSource): Promise<void> {
  const { admin, seller, buyer, team } = DEMO_ACCOUNTS;
  await dataSource.transaction(async (m) => {
    for (const [account, role] of [
      [admin, 'admin'],
      [buyer, 'buyer'],
      [team, 'buyer'],
    ] as const) {
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

/** The demo logins in this database that still open with their published password. */
export async function demoLoginsWithPublishedPasswords(dataSource: DataSource): Promise<string[]> {
  const accounts = Object.values(DEMO_ACCOUNTS);
  const rows = (await dataSource.query(`SELECT email, password_hash FROM users WHERE email = ANY($1::citext[])`, [accounts.map((a) => a.email)])) as {
    email: string;
    password_hash: string | null;
  }[];
  const open: string[] = [];
  for (const account of accounts) {
    const row = rows.find((r) => r.email.toLowerCase() === account.email);
    if (row?.password_hash && (await verifyPassword(row.password_hash, account.password))) open.push(account.email);
  }
  return open;
}

/**
 * Production refuses to start while a demo login still opens with its published password (left by
 * an earlier demo on the same database): anyone who read the README could sign in, as admin too.
 * The message gives the fix, ready to run.
 */
export async function refuseDemoLoginsWithPublishedPasswords(dataSource: DataSource): Promise<void> {
  const open = await demoLoginsWithPublishedPasswords(dataSource);
  if (!open.length) return;
  const emails = open.map((e) => `'${e}'`).join(', ');
  throw new ConfigError(
    [
      `Tài khoản trình diễn vẫn dùng mật khẩu công khai (demo logins still have their published passwords): ${open.join(', ')}`,
      'Anyone who read the README could sign in with them, so the store does not start in production.',
      'Give them passwords of their own, or disable these logins and end their sessions:',
      `  UPDATE users SET password_hash = NULL WHERE email IN (${emails});`,
      `  DELETE FROM sessions WHERE (sess->>'userId')::int IN (SELECT id FROM users WHERE email IN (${emails}));`,
    ].join('\n'),
  );
}
