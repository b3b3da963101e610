import type { z } from 'zod';
import { ValidationError, type FieldErrors } from '../lib/errors';

/** Parses untrusted input with a zod schema; failures become a ValidationError with one message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    // CASE: a field the form does not have (role=admin, status=approved…) is refused as a whole.
    const key = issue.code === 'unrecognized_keys' ? '_form' : issue.path.join('.') || '_form';
    const message = issue.code === 'unrecognized_keys' ? 'error.form.unknownField' : issue.message;
    fieldErrors[key] ??= message;
  }
  throw new ValidationError(fieldErrors);
}
