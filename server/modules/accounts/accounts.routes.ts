import express, { type Request, type Router } from 'express';
import type { Csrf } from '../../http/csrf';
import { ValidationError } from '../../lib/errors';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { safeLocalPath } from '../../http/safe-redirect';
import { endSession, startUserSession } from '../../http/session';
import { parseInput } from '../../http/validate';
import { requestLanguage } from '../../http/language';
import { isLanguage, translate } from '../../rendering/i18n';
import { changePasswordSchema, loginSchema, registerSchema, signOutEverywhereSchema } from './accounts.schemas';
import { LoginFailedError, type AccountsService } from './accounts.service';
import type { SessionUser } from './actor';
import { requireSignedIn } from './auth.middleware';
import { signIn, signUpHandler } from './sign-in';
import { TooManyAttemptsError } from './login-throttle';

/** Where a user lands after signing in when no `next` was given. */
export function homeFor(role: string): string {
  return role === 'admin' ? '/admin' : role === 'seller' ? '/seller' : '/account';
}

export function accountsRoutes(accounts: AccountsService, csrf: Csrf, orderList: (actor: SessionUser) => Promise<unknown[]>): Router {
  const router = express.Router();
  // The language a visitor chose before signing in (or up) becomes the account's: its mail follows it.
  const rememberLanguage = async (req: Request, user: SessionUser) => {
    const chosen: unknown = req.cookies?.lang;
    if (isLanguage(chosen)) await accounts.setLanguage(user, chosen);
  };

  router.get('/register', (req, res) => {
    if (req.user) return res.redirect('/account');
    res.render('accounts/register', { title: translate(requestLanguage(res), 'auth.register.link'), values: {} });
  });

  router.post(
    '/register',
    signUpHandler(
      csrf,
      async (body, req) => {
        const user = await accounts.register(parseInput(registerSchema, body));
        await rememberLanguage(req, user);
        return user;
      },
      '/account',
      {
        view: 'accounts/register',
        locals: (values, res) => ({ title: translate(requestLanguage(res), 'auth.register.link'), values }),
      },
    ),
  );

  router.get('/login', (req, res) => {
    const next = safeLocalPath(req.query.next, '');
    if (req.user) return res.redirect(next || homeFor(req.user.role));
    res.render('accounts/login', { title: translate(requestLanguage(res), 'auth.login.title'), values: { next } });
  });

  router.post('/login', async (req, res) => {
    const values = formValues(req);
    try {
      const input = parseInput(loginSchema, formBody(req));
      const user = await accounts.authenticate(input.email, input.password, req.ip ?? 'unknown');
      await rememberLanguage(req, user);
      await signIn(req, res, csrf, user.id);
      res.redirect(303, safeLocalPath(input.next, homeFor(user.role)));
    } catch (err) {
      if (err instanceof LoginFailedError || err instanceof TooManyAttemptsError) {
        res.status(err.status).render('accounts/login', { title: translate(requestLanguage(res), 'auth.login.title'), values, formError: err.message });
        return;
      }
      renderFormError(res, 'accounts/login', err, { title: translate(requestLanguage(res), 'auth.login.title'), values });
    }
  });

  router.post('/logout', async (req, res) => {
    await endSession(req, res);
    csrf.rotate(res);
    res.redirect(303, '/');
  });

  router.get('/account', requireSignedIn, async (req, res) => {
    res.render('accounts/account', {
      title: translate(requestLanguage(res), 'account.title'),
      user: req.user,
      orders: await orderList(req.user!),
      language: await accounts.languageOf(req.user!.id),
      passwordChanged: req.query.changed === 'password',
      sessionsEnded: req.query.changed === 'sessions',
      notificationsSaved: req.query.changed === 'notifications',
    });
  });

  router.post('/account/password', requireSignedIn, async (req, res) => {
    try {
      const input = parseInput(changePasswordSchema, formBody(req));
      // Every session of the account ended with the change; this device keeps a new one.
      await accounts.changePassword(req.user!, input.currentPassword, input.newPassword);
      await startUserSession(req, req.user!.id);
      res.redirect(303, '/account?changed=password');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      renderFormError(res, 'accounts/account', err, {
        title: translate(requestLanguage(res), 'account.title'),
        user: req.user,
        orders: await orderList(req.user!),
      });
    }
  });

  router.post('/account/sign-out-everywhere', requireSignedIn, async (req, res) => {
    parseInput(signOutEverywhereSchema, formBody(req));
    await accounts.endAllSessions(req.user!);
    await startUserSession(req, req.user!.id);
    res.redirect(303, '/account?changed=sessions');
  });

  return router;
}
