import type { Request, Response } from 'express';
import { ValidationError } from '../lib/errors';
import { localize, localizeAll } from '../rendering/i18n';
import { requestLanguage } from './language';

const SECRET_FIELDS = new Set(['_csrf', 'password', 'currentPassword', 'newPassword', 'confirmPassword']);

/** The posted fields without the CSRF token (it was checked by the middleware). */
export function formBody(req: Request): Record<string, unknown> {
  const { _csrf, ...rest } = (req.body ?? {}) as Record<string, unknown>;
  void _csrf;
  return rest;
}

/** What to put back into a re-rendered form: never passwords. */
export function formValues(req: Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => !SECRET_FIELDS.has(k) && typeof v === 'string'));
}

/** A ValidationError re-renders the form with 422 and a message next to each field; anything else propagates. */
export function renderFormError(res: Response, view: string, err: unknown, locals: Record<string, unknown>): void {
  if (!(err instanceof ValidationError)) throw err;
  const { _form, ...fields } = err.fieldErrors;
  const unknownField = Object.keys(fields).some((k) => !k || k === '_form');
  const lang = requestLanguage(res);
  res.status(422).render(view, {
    ...locals,
    errors: localizeAll(lang, fields),
    formError: localize(lang, _form ?? (unknownField ? 'error.form.invalidData' : err.message)),
  });
}
