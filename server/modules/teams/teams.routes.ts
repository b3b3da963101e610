import express, { type Request, type Response, type Router } from 'express';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { laoCaiCommunes } from '../../lib/admin-units';
import { BANKS } from '../../lib/banks';
import { NotFoundError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { requireRole, requireSignedIn } from '../accounts';
import {
  HOUSEHOLD_TYPES,
  addMemberSchema,
  householdOnboardingSchema,
  memberParamsSchema,
  removeMemberSchema,
  teamParamsSchema,
  teamSchema,
} from './teams.schemas';
import type { TeamsService } from './teams.service';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** A path parameter that cannot name a team or member is an unknown page (404), not a form error. */
function params<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, req: Request): T {
  const parsed = schema.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/** The back office's digital teams: list with counts, create, members in and out. */
export function teamAdminRoutes(teams: TeamsService): Router {
  const router = express.Router();
  const adminOnly = requireRole('admin');
  const formLocals = (res: Response, values: Record<string, unknown>) => ({
    title: translate(langOf(res), 'teams.admin.newTitle'),
    values,
    communes: laoCaiCommunes.map((name) => ({ name, selected: name === values.commune })),
  });
  const teamPage = async (req: Request, res: Response, id: number) => {
    const detail = await teams.getForAdmin(req.user!, id);
    return { title: detail.team.name, ...detail };
  };

  router.get('/admin/teams', adminOnly, async (req, res) => {
    const list = await teams.listForAdmin(req.user!);
    res.render('teams/admin-list', { title: translate(langOf(res), 'teams.admin.title'), teams: list, notice: takeFlash(req) });
  });

  router.get('/admin/teams/new', adminOnly, (_req, res) => {
    res.render('teams/admin-new', formLocals(res, {}));
  });

  router.post('/admin/teams/new', adminOnly, async (req, res) => {
    try {
      const input = parseInput(teamSchema, formBody(req));
      const { id } = await teams.create(req.user!, input);
      await setFlash(req, translate(langOf(res), 'teams.admin.created', { name: input.name }));
      res.redirect(303, `/admin/teams/${id}`);
    } catch (err) {
      renderFormError(res, 'teams/admin-new', err, formLocals(res, formValues(req)));
    }
  });

  router.get('/admin/teams/:id', adminOnly, async (req, res) => {
    const { id } = params(teamParamsSchema, req);
    res.render('teams/admin-team', { ...(await teamPage(req, res, id)), notice: takeFlash(req) });
  });

  router.post('/admin/teams/:id/members', adminOnly, async (req, res) => {
    const { id } = params(teamParamsSchema, req);
    try {
      const { account } = parseInput(addMemberSchema, formBody(req));
      const { added, fullName } = await teams.addMember(req.user!, id, account);
      await setFlash(req, translate(langOf(res), added ? 'teams.admin.memberAdded' : 'teams.admin.alreadyMember', { name: fullName }));
      res.redirect(303, `/admin/teams/${id}`);
    } catch (err) {
      renderFormError(res, 'teams/admin-team', err, { ...(await teamPage(req, res, id)), values: formValues(req) });
    }
  });

  router.post('/admin/teams/:id/members/:userId/remove', adminOnly, async (req, res) => {
    const { id, userId } = params(memberParamsSchema, req);
    try {
      const { reason } = parseInput(removeMemberSchema, formBody(req));
      await teams.removeMember(req.user!, id, userId, reason);
      await setFlash(req, translate(langOf(res), 'teams.admin.memberRemoved'));
      res.redirect(303, `/admin/teams/${id}`);
    } catch (err) {
      renderFormError(res, 'teams/admin-team', err, { ...(await teamPage(req, res, id)), removingUserId: userId });
    }
  });

  return router;
}

/** GET /team: a member's teams and the households each assists (any account role; membership decides). */
export function teamMemberRoutes(teams: TeamsService): Router {
  const router = express.Router();

  router.get('/team', requireSignedIn, async (req, res) => {
    const memberships = await teams.memberArea(req.user!);
    res.render('teams/member-home', { title: translate(langOf(res), 'teams.member.title'), teams: memberships, notice: takeFlash(req) });
  });

  // Assisted onboarding: the form never carries the password back (formValues drops it).
  const onboardingLocals = async (req: Request, res: Response, values: Record<string, unknown>) => {
    const memberships = await teams.memberArea(req.user!);
    const teamId = String(values.teamId ?? memberships[0].teamId);
    const type = String(values.type ?? 'ho_san_xuat');
    return {
      title: translate(langOf(res), 'teams.onboard.title'),
      values,
      teamOptions: memberships.map((t) => ({ id: t.teamId, name: t.name, selected: String(t.teamId) === teamId })),
      singleTeam: memberships.length === 1 ? memberships[0] : null,
      typeOptions: HOUSEHOLD_TYPES.map((value) => ({ value, label: translate(langOf(res), `teams.onboard.type.${value}`), selected: value === type })),
      communeOptions: laoCaiCommunes.map((name) => ({ name, selected: name === values.commune })),
      bankOptions: BANKS.map((b) => ({ ...b, selected: b.bin === values.bankBin })),
      consentChecked: values.consent === 'yes',
    };
  };

  router.get('/team/households/new', requireSignedIn, async (req, res) => {
    res.render('teams/onboard-household', await onboardingLocals(req, res, {}));
  });

  router.post('/team/households/new', requireSignedIn, async (req, res) => {
    try {
      const input = parseInput(householdOnboardingSchema, formBody(req));
      await teams.onboardHousehold(req.user!, input);
      await setFlash(req, translate(langOf(res), 'teams.onboard.done', { name: input.cooperativeName }));
      res.redirect(303, '/team');
    } catch (err) {
      renderFormError(res, 'teams/onboard-household', err, await onboardingLocals(req, res, formValues(req)));
    }
  });

  return router;
}
