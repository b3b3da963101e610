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
  input: { email?: string; password?: string; role?: 'buyer' | 'seller' | 'admin'; fullName?: string } = {},
): Promise<{ id: number; email: string; password: string }> {
  const email = input.email ?? `acc${Date.now()}${Math.floor(Math.random() * 1e6)}@example.vn`;
  const password = input.password ?? TEST_PASSWORD;
  const [row] = await ds.query(
    `INSERT INTO users (email, full_name, password_hash, role, phone) VALUES ($1, $2, $3, $4, '0912345678') RETURNING id`,
    [email, input.fullName ?? 'Trần Văn Bình', await hashPassword(password), input.role ?? 'buyer'],
  );
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
