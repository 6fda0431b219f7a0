/** Parsing of request input with zod; the first problem becomes a 400 naming the field. */
import type { z } from 'zod';
import { badRequest } from '../errors.js';

/** Parses `input` with `schema`, or throws BAD_REQUEST naming the offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw badRequest(what, 'invalid');
  if (issue.code === 'unrecognized_keys') {
    throw badRequest(issue.keys.join(', '), 'unknown field');
  }
  const field = issue.path.length > 0 ? issue.path.join('.') : what;
  throw badRequest(field, issue.message);
}
