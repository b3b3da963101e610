import type { Request, RequestHandler, Response } from 'express';
import type { Csrf } from '../../http/csrf';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { startUserSession } from '../../http/session';
import type { SessionUser } from './actor';

/** Signs the user in on this browser: a new session (the old id is dropped) and a fresh CSRF token. */
export async function signIn(req: Request, res: Response, csrf: Csrf, userId: number): Promise<void> {
  await startUserSession(req, userId);
  csrf.rotate(res);
}

/**
 * The POST of a sign-up form (/register, /sellers/apply): `create` makes the account from the posted
 * fields, which is signed in at once and sent to `home`; a refused form is shown again with what was
 * typed (never the password).
 */
export function signUpHandler(
  csrf: Csrf,
  create: (body: Record<string, unknown>, req: Request) => Promise<SessionUser>,
  home: string,
  form: { view: string; locals: (values: Record<string, unknown>, res: Response) => Record<string, unknown> },
): RequestHandler {
  return async (req, res) => {
    try {
      const user = await create(formBody(req), req);
      await signIn(req, res, csrf, user.id);
      res.redirect(303, home);
    } catch (err) {
      renderFormError(res, form.view, err, form.locals(formValues(req), res));
    }
  };
}
