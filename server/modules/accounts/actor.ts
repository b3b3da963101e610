import { ForbiddenError } from '../../lib/errors';
import { msg } from '../../rendering/i18n';
import type { UserRole } from './user.entity';

/** Who is acting: every service method that changes something takes one and checks it. */
export interface Actor {
  id: number;
  role: UserRole;
  /**
   * A digital-team member acting for a household (issue 19): the seller area resolves to this
   * cooperative instead of the actor's own; the actor stays the member (ledgers and audit name them).
   */
  actingForSellerId?: number;
}

export interface SessionUser extends Actor {
  /** Null for an account that signs in with its phone. */
  email: string | null;
  fullName: string;
  phone: string | null;
  /** Notification channels (shown on /account and the seller profile); always there on a signed-in request's user. */
  notifyEmail?: boolean;
  notifyZalo?: boolean;
}

/** What a team member acting for a household may never do: bank details, tax identification, password, phone, payouts. */
export const ACTING_LIMIT_MESSAGE = msg('teams.acting.limited');

/** The service-level check behind every admin route (the route guard is only the first line). */
export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new ForbiddenError();
}
