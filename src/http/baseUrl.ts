/**
 * Base URLs of providers (SPEC §4a): an operator may serve a provider under a path
 * (`https://example.com/nextcloud`), so the path is kept and a trailing slash is added
 * before a relative path is joined. Without the slash, `new URL('ocs/…', base)` would drop
 * the last path segment, and an absolute path (`/ocs/…`) would drop the whole path.
 */
import { parseServerUrl } from '../config/urls.js';

/** A base URL with its path kept and exactly one trailing slash. */
export function withTrailingSlash(base: string): string {
  return `${base.replace(/\/+$/, '')}/`;
}

/**
 * Joins a relative path (no leading slash, no `..`) to a base URL; query and fragment of the
 * base are not expected (parseProviderBaseUrl refuses them).
 */
export function joinBaseUrl(base: string, relative: string): string {
  if (relative.startsWith('/') || /(^|\/)\.\.?(\/|$)/.test(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) {
    throw new Error(`not a plain relative path: ${relative}`);
  }
  return new URL(relative, withTrailingSlash(base)).toString();
}

/**
 * Parses a provider base URL an operator or organization entered: the checks of
 * parseServerUrl (https, http only on loopback, no credentials, query or fragment), then a
 * trailing slash. Throws an Error whose message says what is wrong.
 */
export function parseProviderBaseUrl(raw: string): string {
  return withTrailingSlash(parseServerUrl(raw));
}
