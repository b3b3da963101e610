/**
 * Errors a service may throw; the error middleware maps each to its status and page. A message
 * (and each field message) is a message token (`msg('key', params)`, see server/rendering/i18n.ts)
 * resolved in the reader's language, or older literal Vietnamese text shown as it is.
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'error.notFound.message') {
    super(message, 404, 'not_found');
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'error.forbidden.message') {
    super(message, 403, 'forbidden');
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(message, 409, code);
  }
}

/** Field messages keyed by form field name, shown next to each field. */
export type FieldErrors = Record<string, string>;

export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: FieldErrors,
    message = 'error.validation.message',
  ) {
    super(message, 422, 'validation');
  }
}
