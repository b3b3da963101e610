import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors';
import { AppError, ValidationError } from '../../lib/errors';
import type { Language } from '../../rendering/i18n';
import type { Actor, SessionUser } from './actor';
import type { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import { normalisePhone } from './phone';
import type { RegisterInput } from './accounts.schemas';
import { USER_COLUMNS, type User, type UserRole } from './user.entity';

export class LoginFailedError extends AppError {
  constructor() {
    // CASE: the same words for an unknown email and a wrong password, so accounts cannot be probed.
    super('auth.error.loginFailed', 401, 'login_failed');
  }
}

/** Read only where a password is checked. */
type UserWithHash = User & { passwordHash: string | null };

export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * Creates an account inside the caller's transaction; role is decided by the caller, never by the
   * form. An account without email signs in with its phone: the phone becomes its login phone
   * (`phoneSignIn`: also when it has an email, as a household onboarded by a digital team does).
   */
  async createUser(manager: EntityManager, input: RegisterInput, role: UserRole, options: { phoneSignIn?: boolean } = {}): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    const loginPhone = input.email === undefined || options.phoneSignIn ? input.phone : null;
    try {
      const [user] = (await manager.query(
        `INSERT INTO users (email, full_name, phone, login_phone, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
        [input.email ?? null, input.fullName, input.phone, loginPhone, passwordHash, role],
      )) as User[];
      return user;
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) {
        throw new ValidationError({ email: 'validation.email.taken' });
      }
      if (isUniqueViolation(err, 'users_login_phone_key')) {
        throw new ValidationError({ phone: 'validation.phone.taken' });
      }
      throw err;
    }
  }

  async register(input: RegisterInput): Promise<SessionUser> {
    const user = await this.dataSource.transaction((m) => this.createUser(m, input, 'buyer'));
    return toSessionUser(user);
  }

  /** `login` is what the sign-in form's one field holds: an email, or a mobile number in any spelling. */
  async authenticate(login: string, password: string, ip: string): Promise<SessionUser> {
    const typed = login.trim();
    const phone = normalisePhone(typed);
    const [user = null] = !typed
      ? []
      : phone !== null
        ? ((await this.dataSource.query(`SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE login_phone = $1`, [
            phone,
          ])) as UserWithHash[])
        : ((await this.dataSource.query(`SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE email = $1`, [typed])) as UserWithHash[]);
    const claim = await this.throttle.claim(this.throttle.accountKey(user?.id ?? null, typed), ip);
    // CASE: citext matches some spellings JavaScript folds apart (U+0130 İ finds "i"): only the
    // stored address, folded as the registration form folds it, signs in. Verified anyway, so the
    // answer takes the same time. A phone was found by its normalised form, so every spelling counts.
    const sameSpelling = user !== null && (phone !== null || user.email?.toLowerCase() === typed.toLowerCase());
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !sameSpelling || !ok) throw new LoginFailedError();
    await this.throttle.succeeded(claim);
    await this.dataSource.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [user.id]);
    return toSessionUser(user);
  }

  private async findUser(id: number): Promise<User | undefined> {
    const [user] = (await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])) as User[];
    return user;
  }

  async findSessionUser(id: number): Promise<SessionUser | null> {
    const user = await this.findUser(id);
    return user ? toSessionUser(user) : null;
  }

  /**
   * The user of a session signed in at `signedInAt` (epoch ms), or null when the password changed or
   * the account signed out everywhere since. The rows of such sessions are deleted then; this also
   * stops one that a request in flight wrote back after the delete. `readWithSession`: the account as
   * the session's own statement read it (null: gone), so no second read.
   */
  async findSignedInUser(id: number, signedInAt: number, readWithSession?: User | null): Promise<SessionUser | null> {
    const user = readWithSession === undefined ? await this.findUser(id) : readWithSession;
    const endedAfter = (at: Date | null) => at !== null && at.getTime() > signedInAt;
    if (!user || endedAfter(user.passwordChangedAt) || endedAfter(user.sessionsEndedAt)) return null;
    return toSessionUser(user);
  }

  /** Changes the password and ends every session of the account; the caller starts a new one for this device. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const [user] = (await this.dataSource.query(`SELECT password_hash AS "passwordHash" FROM users WHERE id = $1`, [actor.id])) as Pick<
      UserWithHash,
      'passwordHash'
    >[];
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new ValidationError({ currentPassword: 'validation.password.currentWrong' });
    }
    const hash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (manager) => {
      // The app's clock, not now(): it is compared with signedInAt, which the app writes.
      await manager.query(`UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = now() WHERE id = $3`, [hash, new Date(), actor.id]);
      await endSessionsOf(manager, actor.id);
    });
  }

  /** "Sign out everywhere": ends every session of the account; the caller starts a new one for this device. */
  async endAllSessions(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // The app's clock, as for password_changed_at: compared with signedInAt, which the app writes.
      await manager.query(`UPDATE users SET sessions_ended_at = $2, updated_at = now() WHERE id = $1`, [actor.id, new Date()]);
      await endSessionsOf(manager, actor.id);
    });
  }

  /**
   * The account's notification channels (issue 21): email and Zalo, each on or off. They govern order
   * and sale news; mail that keeps the account safe is marked essential and sent regardless.
   */
  async setNotificationChoices(actor: Actor, choices: { notifyEmail: boolean; notifyZalo: boolean }): Promise<void> {
    await this.dataSource.query(`UPDATE users SET notify_email = $2, notify_zalo = $3, updated_at = now() WHERE id = $1`, [
      actor.id,
      choices.notifyEmail,
      choices.notifyZalo,
    ]);
  }

  /** The language the account reads (issue 21): chosen with the language switch, used for its mail. */
  async setLanguage(actor: Actor, language: Language): Promise<void> {
    await this.dataSource.query(`UPDATE users SET language = $2, updated_at = now() WHERE id = $1 AND language <> $2`, [actor.id, language]);
  }

  async languageOf(userId: number): Promise<Language> {
    const [row] = (await this.dataSource.query(`SELECT language FROM users WHERE id = $1`, [userId])) as { language: Language }[];
    return row?.language ?? 'vi';
  }

  /** `npm run admin:create`: creates an admin, or promotes and resets an existing account. */
  async createAdmin(input: { email: string; password: string; fullName: string }): Promise<SessionUser> {
    const hash = await hashPassword(input.password);
    const [row] = (await this.dataSource.query(
      `INSERT INTO users (email, full_name, password_hash, role) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash, password_changed_at = $4, updated_at = now()
       RETURNING id`,
      [input.email, input.fullName, hash, new Date()],
    )) as { id: number }[];
    // A reset password: whoever is signed in to the account signs in again.
    await endSessionsOf(this.dataSource.manager, row.id);
    return (await this.findSessionUser(row.id))!;
  }
}

/** Sessions are connect-pg-simple rows (server/http/session.ts); `sess` holds the signed-in user's id. */
async function endSessionsOf(manager: EntityManager, userId: number): Promise<void> {
  await manager.query(`DELETE FROM sessions WHERE (sess->>'userId')::int = $1`, [userId]);
}

function toSessionUser(user: User): SessionUser {
  const { id, email, fullName, phone, role, notifyEmail, notifyZalo } = user;
  return { id, email, fullName, phone, role, notifyEmail, notifyZalo };
}
