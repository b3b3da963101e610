import { todayInVietnam } from './dates';

export const CERTIFICATE_VALIDITY_MONTHS = 36;

export interface OcopClaim {
  ocopStars: number | null;
  ocopVerified: boolean;
  ocopValidUntil: string | null;
}

/** The OCOP badge shows only for a verified 3–5★ certificate still inside its 36 months. */
export function hasValidOcopBadge(claim: OcopClaim, now: Date): boolean {
  if (!claim.ocopVerified || claim.ocopStars === null || claim.ocopStars < 3) return false;
  if (!claim.ocopValidUntil) return false;
  return claim.ocopValidUntil >= todayInVietnam(now);
}
