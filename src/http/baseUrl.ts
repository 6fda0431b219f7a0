/**
 * Base URLs of providers (SPEC §4a): an operator may serve a provider under a path
 * (`https://example.com/nextcloud`), so the path is kept and a trailing slash is added, so
 * that relative paths joined to it (`providers/shared/providerHttp.ts` joinUrl) keep it.
 */
import { parseServerUrl } from '../config/urls.js';

/**
 * Parses a provider base URL an operator or organization entered: the checks of
 * parseServerUrl (https, http only on loopback, no credentials, query or fragment), then a
 * trailing slash. Throws an Error whose message says what is wrong.
 */
export function parseProviderBaseUrl(raw: string): string {
  return `${parseServerUrl(raw)}/`;
}
