import crypto from 'node:crypto';
import signature from 'cookie-signature';
import request from 'supertest';
import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { hashPassword } from '../../server/modules/accounts/password';

export const TEST_PASSWORD = 'Ruong-bac-thang-2026';

/** The hidden _csrf value of the first form on a page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _csrf field on the page');
  return match[1];
}

/** An agent keeps cookies like a browser; this opens `path` and returns its CSRF token. */
export async function csrfToken(agent: request.Agent, path = '/login'): Promise<string> {
  const res = await agent.get(path);
  return csrfFrom(res.text);
}

export async function createAccount(
  ds: DataSource,
  input: { email?: string; password?: string; role?: 'buyer' | 'seller' | 'admin'; fullName?: string; passwordHash?: string } = {},
): Promise<{ id: number; email: string; password: string }> {
  const email = input.email ?? `acc${Date.now()}${crypto.randomBytes(4).toString('hex')}@example.vn`;
  const password = input.password ?? TEST_PASSWORD;
  const [row] = await ds.query(`INSERT INTO users (email, full_name, password_hash, role, phone) VALUES ($1, $2, $3, $4, '0912345678') RETURNING id`, [
    email,
    input.fullName ?? 'Trần Văn Bình',
    input.passwordHash ?? (await hashPassword(password)),
    input.role ?? 'buyer',
  ]);
  return { id: row.id, email, password };
}

/** Signs an agent in through the real login form. */
export async function signIn(app: Express, email: string, password = TEST_PASSWORD): Promise<request.Agent> {
  const agent = request.agent(app);
  const token = await csrfToken(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  return agent;
}

/** An admin account, signed in. */
export async function signInAsAdmin(app: Express, ds: DataSource): Promise<{ agent: request.Agent; id: number }> {
  const admin = await createAccount(ds, { role: 'admin', fullName: 'Quản trị viên' });
  return { agent: await signIn(app, admin.email), id: admin.id };
}

/** A cooperative account with its profile (approved unless told otherwise), signed in. */
export async function signInAsSeller(
  app: Express,
  ds: DataSource,
  input: { status?: 'pending' | 'approved' | 'rejected' | 'suspended'; name?: string } = {},
): Promise<{ agent: request.Agent; userId: number; sellerId: number; slug: string }> {
  const account = await createAccount(ds, { role: 'seller', fullName: 'Đại diện HTX' });
  const name = input.name ?? `HTX Kiểm thử ${account.id}`;
  const slug = `htx-kiem-thu-${account.id}`;
  const [seller] = await ds.query(
    `INSERT INTO sellers (owner_user_id, name, slug, type, commune, address, description, status)
     VALUES ($1, $2, $3, 'htx', 'Phường Sa Pa', 'Tổ 1', 'HTX kiểm thử', $4) RETURNING id`,
    [account.id, name, slug, input.status ?? 'approved'],
  );
  return { agent: await signIn(app, account.email), userId: account.id, sellerId: seller.id, slug };
}

/**
 * A signed-in agent without going through the login form: a session row and its signed cookie,
 * exactly as express-session writes them. For tests that need hundreds of buyers quickly; the
 * login form itself is covered by the accounts tests.
 */
export async function agentWithSession(app: Express, ds: DataSource, userId: number, secret: string): Promise<request.Agent> {
  const sid = crypto.randomBytes(24).toString('base64url');
  const expires = new Date(Date.now() + 24 * 3600 * 1000);
  await ds.query(`INSERT INTO sessions (sid, sess, expire) VALUES ($1, $2, $3)`, [
    sid,
    JSON.stringify({ cookie: { originalMaxAge: 86_400_000, expires, httpOnly: true, path: '/', sameSite: 'lax' }, userId, signedInAt: Date.now() }),
    expires,
  ]);
  const agent = request.agent(app);
  agent.jar.setCookie(`cho.sid=${encodeURIComponent(`s:${signature.sign(sid, secret)}`)}; Path=/`);
  return agent;
}
