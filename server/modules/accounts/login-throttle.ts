import type { DataSource } from 'typeorm';
import { AppError } from '../../http/errors';

export class TooManyAttemptsError extends AppError {
  constructor() {
    super('Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.', 429, 'too_many_attempts');
  }
}

export interface ThrottlePolicy {
  windowMinutes: number;
  maxPerAccount: number;
  maxPerIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { windowMinutes: 15, maxPerAccount: 5, maxPerIp: 30 };

/**
 * Counts failed logins per account and per IP in PostgreSQL, so the limit holds across every app
 * instance. Checked before the password is verified; cleared for the account on success.
 */
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  private keys(email: string, ip: string) {
    return { account: `email:${email.trim().toLowerCase()}`, ip: `ip:${ip}` };
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const rows = (await this.dataSource.query(
      `SELECT key, failures FROM login_failures
       WHERE key = ANY($1) AND window_started_at > now() - make_interval(mins => $2)`,
      [[keys.account, keys.ip], this.policy.windowMinutes],
    )) as { key: string; failures: number }[];
    for (const row of rows) {
      const max = row.key === keys.account ? this.policy.maxPerAccount : this.policy.maxPerIp;
      if (row.failures >= max) throw new TooManyAttemptsError();
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    // One atomic upsert per key: a window older than the policy starts again at 1.
    await this.dataSource.query(
      `INSERT INTO login_failures (key, failures) SELECT unnest($1::text[]), 1
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_failures.window_started_at <= now() - make_interval(mins => $2) THEN 1 ELSE login_failures.failures + 1 END,
         window_started_at = CASE WHEN login_failures.window_started_at <= now() - make_interval(mins => $2) THEN now() ELSE login_failures.window_started_at END`,
      [[keys.account, keys.ip], this.policy.windowMinutes],
    );
  }

  async clearAccount(email: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE key = $1`, [this.keys(email, '').account]);
  }
}
