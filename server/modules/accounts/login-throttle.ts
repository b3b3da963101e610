import type { DataSource } from 'typeorm';
import { AppError } from '../../lib/errors';
import { normalisePhone } from './phone';

export class TooManyAttemptsError extends AppError {
  constructor() {
    super('auth.error.tooManyAttempts', 429, 'too_many_attempts');
  }
}

export interface ThrottlePolicy {
  windowMinutes: number;
  maxPerAccount: number;
  maxPerIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { windowMinutes: 15, maxPerAccount: 5, maxPerIp: 30 };

/** One attempt let through: what `succeeded` needs to clear the account and give the address its slot back. */
export interface LoginClaim {
  accountKey: string;
  ipKey: string;
  /** The account's count right after this attempt: the clear is skipped if another attempt came after it. */
  accountCount: number;
  /** When each key's window started, as PostgreSQL writes it (a Date would drop the microseconds). */
  accountWindow: string;
  ipWindow: string;
}

/**
 * Counts login attempts per account and per IP in PostgreSQL, so the limit holds across every app
 * instance. An attempt takes its slot before the password is verified (one conditional upsert), so
 * parallel guesses cannot all pass a check made before any of them is counted: at most
 * `maxPerAccount` passwords are verified per account and window.
 */
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /**
   * A known account is counted by its id: PostgreSQL's citext folds some spellings (U+0130 İ) that
   * JavaScript does not, and each spelling must not get a bucket of its own. An unknown email is
   * counted as typed, so probing is limited too; an unknown phone by its normalised number, so
   * `0912 345 678` and `+84912345678` share one bucket.
   */
  accountKey(userId: number | null, typedLogin: string): string {
    if (userId !== null) return `user:${userId}`;
    const phone = normalisePhone(typedLogin);
    return phone !== null ? `phone:${phone}` : `email:${typedLogin.trim().toLowerCase()}`;
  }

  /** Takes one slot for the account and one for the address, both or neither; throws when either is used up. */
  async claim(accountKey: string, ip: string): Promise<LoginClaim> {
    const ipKey = `ip:${ip}`;
    return this.dataSource.transaction(async (manager) => {
      // A window older than the policy starts again at 1. A key at its limit is left as it is, and
      // RETURNING then leaves it out. Keys are locked account first, then IP, in every transaction.
      const rows = (await manager.query(
        `INSERT INTO login_failures AS f (key, failures) SELECT unnest($1::text[]), 1
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN f.window_started_at <= now() - make_interval(mins => $2) THEN 1 ELSE f.failures + 1 END,
           window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(mins => $2) THEN now() ELSE f.window_started_at END
         WHERE f.window_started_at <= now() - make_interval(mins => $2)
            OR f.failures < CASE WHEN f.key = $3 THEN $4::int ELSE $5::int END
         RETURNING key, failures, window_started_at::text AS window_started_at`,
        [[accountKey, ipKey], this.policy.windowMinutes, ipKey, this.policy.maxPerIp, this.policy.maxPerAccount],
      )) as { key: string; failures: number; window_started_at: string }[];
      const account = rows.find((r) => r.key === accountKey);
      const address = rows.find((r) => r.key === ipKey);
      // Throwing rolls the other key's slot back: a refused attempt counts nowhere.
      if (!account || !address) throw new TooManyAttemptsError();
      return { accountKey, ipKey, accountCount: account.failures, accountWindow: account.window_started_at, ipWindow: address.window_started_at };
    });
  }

  /**
   * The password was right. The account's count is cleared, unless another attempt took a slot
   * after this one (parallel guesses still in flight keep theirs, so a right guess among them opens
   * no new slots). The address gets this attempt's slot back: per IP only failures count.
   */
  async succeeded(claim: LoginClaim): Promise<void> {
    // Two statements, each locking one row: one statement locking both could deadlock with a claim.
    await this.dataSource.query(`DELETE FROM login_failures WHERE key = $1 AND failures = $2 AND window_started_at = $3::timestamptz`, [
      claim.accountKey,
      claim.accountCount,
      claim.accountWindow,
    ]);
    await this.dataSource.query(
      `WITH freed AS (DELETE FROM login_failures WHERE key = $1 AND failures = 1 AND window_started_at = $2::timestamptz)
       UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 1 AND window_started_at = $2::timestamptz`,
      [claim.ipKey, claim.ipWindow],
    );
  }
}
