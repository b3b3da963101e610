import type { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors';

/** Parses untrusted input with a zod schema; failures become a ValidationError with one message per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_form';
    fieldErrors[key] ??= issue.message;
  }
  throw new ValidationError(fieldErrors);
}
