export type UserRole = 'buyer' | 'seller' | 'admin';

/** A row of `users` as services read it (USER_COLUMNS); the password hash is never part of it. */
export interface User {
  id: number;
  /** Null for an account that signs in with its phone (`loginPhone`); the database requires one of the two. */
  email: string | null;
  fullName: string;
  /** A contact number; several accounts may share one. */
  phone: string | null;
  /** The normalised mobile number that signs in, unique among accounts. */
  loginPhone: string | null;
  role: UserRole;
  /** Written with the app's clock, like a session's signedInAt: a session signed in before it is over. */
  passwordChangedAt: Date | null;
  /** "Sign out everywhere" (the app's clock): a session signed in before it is over too. */
  sessionsEndedAt: Date | null;
  /** The channels the account chose for its notifications (issue 21); security mail is sent whatever they say. */
  notifyEmail: boolean;
  notifyZalo: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The SELECT (or RETURNING) list that reads a User from `users`. password_hash is asked for by name where it is checked. */
export const USER_COLUMNS = `id, email, full_name AS "fullName", phone, login_phone AS "loginPhone", role, password_changed_at AS "passwordChangedAt", sessions_ended_at AS "sessionsEndedAt", notify_email AS "notifyEmail", notify_zalo AS "notifyZalo", created_at AS "createdAt", updated_at AS "updatedAt"`;
