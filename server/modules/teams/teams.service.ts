import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../lib/clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors';
import { assertAdmin, normalisePhone, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import type { SellersService } from '../sellers';
import type { HouseholdOnboardingInput, TeamInput } from './teams.schemas';
import { msg } from '../../rendering/i18n';

export interface TeamSummary {
  id: number;
  name: string;
  commune: string;
  createdAt: Date;
  activeMembers: number;
  householdsAssisted: number;
  householdsOnboarded: number;
}

export interface TeamMember {
  userId: number;
  fullName: string;
  email: string | null;
  phone: string | null;
  addedAt: Date;
  removedAt: Date | null;
  removedReason: string | null;
}

export interface TeamHousehold {
  sellerId: number;
  name: string;
  slug: string;
  commune: string;
  status: string;
  grantedAt: Date;
}

/** A member acting for a household: who, for whom (re-read on every request). */
export interface ActingContext {
  sellerId: number;
  sellerName: string;
}

/** A team helping a household, as the household sees it. */
export interface HelperTeam {
  teamId: number;
  name: string;
  commune: string;
  grantedAt: Date;
}

export interface TeamMembership {
  teamId: number;
  name: string;
  commune: string;
  households: TeamHousehold[];
}

const SUMMARY_COLUMNS = `
  t.id, t.name, t.commune, t.created_at AS "createdAt",
  (SELECT count(*)::int FROM digital_team_members m WHERE m.team_id = t.id AND m.removed_at IS NULL) AS "activeMembers",
  (SELECT count(*)::int FROM team_households h WHERE h.team_id = t.id AND h.revoked_at IS NULL) AS "householdsAssisted",
  (SELECT count(*)::int FROM sellers s WHERE s.onboarded_by_team_id = t.id) AS "householdsOnboarded"`;

const HOUSEHOLD_COLUMNS = `s.id AS "sellerId", s.name, s.slug, s.commune, s.status, h.granted_at AS "grantedAt"`;

/**
 * Community digital teams (tổ công nghệ số cộng đồng): the one writer of digital_teams,
 * digital_team_members and (in the later parts of issue 19) team_households. Admins create teams and
 * manage their members; a member's team role is in addition to the account's own role.
 */
export class TeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly sellers: SellersService,
  ) {}

  /**
   * Assisted onboarding: in ONE transaction, the household's seller account (phone sign-in) and profile pending review
   * marked as onboarded by the team (SellersService), the team's active grant over it, consented by the household's own
   * new account, and an audit row naming the member and the team. Only an active member of the team.
   */
  async onboardHousehold(actor: Actor, input: HouseholdOnboardingInput): Promise<{ sellerId: number; userId: number }> {
    const { teamId, confirmPassword: _confirm, consent: _consent, ...application } = input;
    return this.dataSource.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      if (!(await this.isActiveMember(actor.id, teamId, manager))) throw new ForbiddenError(msg('team.error.notMember'));
      const { userId, sellerId } = await this.sellers.applyForHousehold(manager, application, teamId);
      const now = this.clock.now();
      await manager.query(`INSERT INTO team_households (team_id, seller_id, granted_at, granted_by_user_id) VALUES ($1, $2, $3, $4)`, [
        teamId,
        sellerId,
        now,
        userId,
      ]);
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'team.household_onboarded',
        targetType: 'seller',
        targetId: sellerId,
        details: { teamId, memberUserId: actor.id, householdUserId: userId },
      });
      return { sellerId, userId };
    });
  }

  /** Every team with its counts, by commune then name. */
  async listForAdmin(actor: Actor): Promise<TeamSummary[]> {
    assertAdmin(actor);
    return this.dataSource.query(`SELECT ${SUMMARY_COLUMNS} FROM digital_teams t ORDER BY t.commune, t.name, t.id LIMIT 2000`);
  }

  async create(actor: Actor, input: TeamInput): Promise<{ id: number }> {
    assertAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(`INSERT INTO digital_teams (name, commune, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
        input.name,
        input.commune,
        actor.id,
        this.clock.now(),
      ])) as { id: number }[];
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'team.created',
        targetType: 'team',
        targetId: row.id,
        details: { name: input.name, commune: input.commune },
      });
      return { id: row.id };
    });
  }

  /** A team with its members (active first, then past ones with why they left) and its households. */
  async getForAdmin(
    actor: Actor,
    teamId: number,
  ): Promise<{ team: TeamSummary; members: TeamMember[]; formerMembers: TeamMember[]; households: TeamHousehold[]; onboarded: TeamHousehold[] }> {
    assertAdmin(actor);
    const [team] = (await this.dataSource.query(`SELECT ${SUMMARY_COLUMNS} FROM digital_teams t WHERE t.id = $1`, [teamId])) as TeamSummary[];
    if (!team) throw new NotFoundError(msg('team.error.teamNotFound'));
    const [all, households, onboarded] = await Promise.all([
      this.dataSource.query(
        `SELECT u.id AS "userId", u.full_name AS "fullName", u.email, u.phone, m.added_at AS "addedAt", m.removed_at AS "removedAt",
                m.removed_reason AS "removedReason"
         FROM digital_team_members m JOIN users u ON u.id = m.user_id
         WHERE m.team_id = $1 ORDER BY m.removed_at DESC NULLS FIRST, u.full_name, m.id LIMIT 1000`,
        [teamId],
      ) as Promise<TeamMember[]>,
      this.householdsOf(this.dataSource.manager, teamId),
      this.dataSource.query(
        `SELECT s.id AS "sellerId", s.name, s.slug, s.commune, s.status, s.created_at AS "grantedAt"
         FROM sellers s WHERE s.onboarded_by_team_id = $1 ORDER BY s.name, s.id LIMIT 1000`,
        [teamId],
      ) as Promise<TeamHousehold[]>,
    ]);
    return { team, members: all.filter((m) => !m.removedAt), formerMembers: all.filter((m) => m.removedAt), households, onboarded };
  }

  /**
   * Adds an existing account as an active member (audited). `account` is its email or its sign-in phone; an unknown one
   * is a field error. Already an active member: nothing changes and `added` is false.
   */
  async addMember(actor: Actor, teamId: number, account: string): Promise<{ added: boolean; fullName: string }> {
    assertAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      // An email (citext: any case) or a sign-in phone in any spelling (0912 345 678, +84912345678…).
      const phone = normalisePhone(account);
      const [user] = (await manager.query(
        phone ? `SELECT id, full_name AS "fullName" FROM users WHERE login_phone = $1` : `SELECT id, full_name AS "fullName" FROM users WHERE email = $1`,
        [phone ?? account],
      )) as { id: number; fullName: string }[];
      if (!user) throw new ValidationError({ account: msg('team.error.noAccount') });
      const inserted = (await manager.query(
        `INSERT INTO digital_team_members (team_id, user_id, added_at, added_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (team_id, user_id) WHERE removed_at IS NULL DO NOTHING RETURNING id`,
        [teamId, user.id, this.clock.now(), actor.id],
      )) as { id: number }[];
      if (inserted.length === 0) return { added: false, fullName: user.fullName };
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'team.member_added',
        targetType: 'team',
        targetId: teamId,
        details: { userId: user.id },
      });
      return { added: true, fullName: user.fullName };
    });
  }

  /** Ends an active membership, with the reason (audited). Not an active member: 404. */
  async removeMember(actor: Actor, teamId: number, userId: number, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      const updated = (await manager.query(
        `UPDATE digital_team_members SET removed_at = $3, removed_by = $4, removed_reason = $5
         WHERE team_id = $1 AND user_id = $2 AND removed_at IS NULL RETURNING id`,
        [teamId, userId, this.clock.now(), actor.id, reason],
      )) as [{ id: number }[], number];
      if (updated[1] === 0) throw new NotFoundError(msg('team.error.noLongerMember'));
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'team.member_removed',
        targetType: 'team',
        targetId: teamId,
        reason,
        details: { userId },
      });
    });
  }

  /** The teams a user is an active member of, each with the households it assists. */
  async activeMemberships(userId: number): Promise<TeamMembership[]> {
    const teams = (await this.dataSource.query(
      `SELECT t.id AS "teamId", t.name, t.commune FROM digital_team_members m JOIN digital_teams t ON t.id = m.team_id
       WHERE m.user_id = $1 AND m.removed_at IS NULL ORDER BY t.name, t.id`,
      [userId],
    )) as Omit<TeamMembership, 'households'>[];
    return Promise.all(teams.map(async (t) => ({ ...t, households: await this.householdsOf(this.dataSource.manager, t.teamId) })));
  }

  async isActiveMember(userId: number, teamId: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = (await manager.query(`SELECT 1 FROM digital_team_members WHERE user_id = $1 AND team_id = $2 AND removed_at IS NULL`, [
      userId,
      teamId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** The /team area: only for an active member of at least one team (whatever the account's role). */
  async memberArea(actor: Actor): Promise<TeamMembership[]> {
    const teams = await this.activeMemberships(actor.id);
    if (teams.length === 0) throw new ForbiddenError(msg('team.error.noTeam'));
    return teams;
  }

  /**
   * The household a user may act for right now: an active member of a team with an active grant for it. One query, run
   * on every request while acting, so a revoke or a member's removal ends access at the member's next request.
   */
  async actingContext(userId: number, sellerId: number): Promise<ActingContext | null> {
    const [row] = (await this.dataSource.query(
      `SELECT s.id AS "sellerId", s.name AS "sellerName"
       FROM team_households h
       JOIN digital_team_members m ON m.team_id = h.team_id AND m.user_id = $1 AND m.removed_at IS NULL
       JOIN sellers s ON s.id = h.seller_id
       WHERE h.seller_id = $2 AND h.revoked_at IS NULL
       LIMIT 1`,
      [userId, sellerId],
    )) as ActingContext[];
    return row ?? null;
  }

  /** Starts acting for a household (audited): not a member of a team assisting it → 404, like an unknown household. */
  async startActing(actor: Actor, sellerId: number): Promise<ActingContext> {
    const context = await this.actingContext(actor.id, sellerId);
    if (!context) throw new NotFoundError(msg('team.error.householdNotFound'));
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, { actorUserId: actor.id, action: 'team.acting_started', targetType: 'seller', targetId: sellerId }),
    );
    return context;
  }

  /** The teams helping the actor's own cooperative (the household's "Tổ hỗ trợ" list). */
  async helpersOfOwnSeller(actor: Actor): Promise<HelperTeam[]> {
    if (actor.actingForSellerId !== undefined) return [];
    return this.dataSource.query(
      `SELECT t.id AS "teamId", t.name, t.commune, h.granted_at AS "grantedAt"
       FROM sellers s JOIN team_households h ON h.seller_id = s.id AND h.revoked_at IS NULL JOIN digital_teams t ON t.id = h.team_id
       WHERE s.owner_user_id = $1 ORDER BY h.granted_at, t.id LIMIT 100`,
      [actor.id],
    );
  }

  /**
   * The household's owner withdraws a team's access (audited): effective at the members' next request. Only the owner
   * signed in as themself: a member acting for the household cannot. No active grant for the owner's cooperative → 404.
   */
  async revokeByOwner(actor: Actor, teamId: number): Promise<void> {
    if (actor.actingForSellerId !== undefined || actor.role !== 'seller') throw new ForbiddenError(msg('team.error.ownerOnly'));
    await this.dataSource.transaction(async (manager) => {
      const revoked = (await manager.query(
        `UPDATE team_households h SET revoked_at = $3, revoked_by_user_id = $2
         FROM sellers s WHERE s.id = h.seller_id AND s.owner_user_id = $2 AND h.team_id = $1 AND h.revoked_at IS NULL
         RETURNING h.seller_id AS "sellerId"`,
        [teamId, actor.id, this.clock.now()],
      )) as [{ sellerId: number }[], number];
      const [row] = revoked[0];
      if (!row) throw new NotFoundError(msg('team.error.noLongerGranted'));
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'team.household_revoked',
        targetType: 'team',
        targetId: teamId,
        details: { sellerId: row.sellerId },
      });
    });
  }

  /** An admin grants a team access to a household (audited); an existing active grant changes nothing. */
  async grantHousehold(actor: Actor, teamId: number, sellerId: number): Promise<{ granted: boolean }> {
    assertAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      await this.lockTeam(manager, teamId);
      const [seller] = (await manager.query(`SELECT id FROM sellers WHERE id = $1`, [sellerId])) as unknown[];
      if (!seller) throw new ValidationError({ sellerId: msg('team.error.householdMissing') });
      const inserted = (await manager.query(
        `INSERT INTO team_households (team_id, seller_id, granted_at, granted_by_user_id)
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM team_households WHERE team_id = $1 AND seller_id = $2 AND revoked_at IS NULL)
         RETURNING id`,
        [teamId, sellerId, this.clock.now(), actor.id],
      )) as unknown[];
      if (inserted.length === 0) return { granted: false };
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'team.household_granted',
        targetType: 'team',
        targetId: teamId,
        details: { sellerId },
      });
      return { granted: true };
    });
  }

  private async householdsOf(manager: EntityManager, teamId: number): Promise<TeamHousehold[]> {
    return manager.query(
      `SELECT ${HOUSEHOLD_COLUMNS} FROM team_households h JOIN sellers s ON s.id = h.seller_id
       WHERE h.team_id = $1 AND h.revoked_at IS NULL ORDER BY s.name, s.id LIMIT 1000`,
      [teamId],
    );
  }

  /** Serialises membership changes of one team; an unknown team is a 404. */
  private async lockTeam(manager: EntityManager, teamId: number): Promise<void> {
    const rows = (await manager.query(`SELECT id FROM digital_teams WHERE id = $1 FOR UPDATE`, [teamId])) as unknown[];
    if (rows.length === 0) throw new NotFoundError(msg('team.error.teamNotFound'));
  }
}
