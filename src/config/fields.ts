/**
 * Building blocks of settings schemas, shared by the core and the provider modules. Each
 * takes an environment value or a secret as read (a string or undefined) and reports a
 * bad one as a zod issue; the config module turns the first issue into one start-up line
 * `NAME: message`, NAME being the last element of the issue's path.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The shortest accepted value of a secret that signs or encrypts something. */
export const MIN_SECRET_LENGTH = 32;

/** A raw environment value or secret. */
const raw = z.string().optional();

/** An optional setting; empty means unset (null). */
export function optionalSetting(): z.ZodType<string | null, string | undefined> {
  return raw.transform((value) => value || null);
}

/** A setting with a default for unset or empty. */
export function settingWithDefault(fallback: string): z.ZodType<string, string | undefined> {
  return raw.transform((value) => value || fallback);
}

/** An integer setting within bounds; unset or blank gives `fallback`. */
export function integerSetting(
  fallback: number,
  bounds: { min: number; max: number },
): z.ZodType<number, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return fallback;
    const parsed = z.coerce.number().int().min(bounds.min).max(bounds.max).safeParse(value.trim());
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: `must be an integer from ${bounds.min} to ${bounds.max}` });
    return z.NEVER;
  });
}

/** An absolute http(s) URL setting, or null when unset. */
export function urlSetting(): z.ZodType<string | null, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return null;
    try {
      const parsed = new URL(value.trim());
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
      return parsed.toString();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return z.NEVER;
    }
  });
}

/** An optional secret (already trimmed by the secrets reader), or null. */
export function optionalSecret(): z.ZodType<string | null, string | undefined> {
  return raw.transform((value) => value ?? null);
}

/** A value parsed by `parse`, which throws an Error saying what is wrong; unset or empty gives null. */
export function checkedSetting<T>(parse: (value: string) => T): z.ZodType<T | null, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined || value === '') return null;
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

/** The issue context of a transform, for cross-field checks. */
export type IssueContext = z.core.$RefinementCtx;

/**
 * Reports a problem with the setting `name` (an environment variable or a secret) from an
 * object-level transform, so checks that join several settings still name one of them.
 */
export function settingIssue(ctx: IssueContext, where: 'env' | 'secrets', name: string, message: string): never {
  ctx.addIssue({ code: 'custom', path: [where, name], message });
  return z.NEVER as never;
}

/** Reads a PEM file of the given kind; throws an Error naming the problem. */
export function readPem(path: string, kind: string): string {
  const text = readFileSync(path, 'utf8');
  if (!text.includes(`-----BEGIN`) || !text.includes(kind.split(' ').pop() ?? kind)) {
    throw new Error(`${path} is not a PEM ${kind}`);
  }
  return text;
}

/** Runs `fn`; a thrown Error becomes an issue on the setting `name`. Returns undefined then. */
export function tryOrIssue<T>(ctx: IssueContext, where: 'env' | 'secrets', name: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      path: [where, name],
      message: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** Removes trailing slashes. */
export function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
