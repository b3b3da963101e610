import { ForbiddenError } from '../../lib/errors';
import type { UserRole } from './user.entity';

/** Who is acting: every service method that changes something takes one and checks it. */
export interface Actor {
  id: number;
  role: UserRole;
}

export interface SessionUser extends Actor {
  /** Null for an account that signs in with its phone. */
  email: string | null;
  fullName: string;
  phone: string | null;
}

/** The service-level check behind every admin route (the route guard is only the first line). */
export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new ForbiddenError();
}
