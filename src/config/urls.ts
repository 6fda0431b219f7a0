/** Checks of URLs that admins and operators enter. */

/** The longest server URL accepted; longer ones are almost surely pasted by mistake. */
export const MAX_SERVER_URL_LENGTH = 200;

/** Whether a host name is a loopback address, where plain http is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Parses a provider server URL: absolute, https (http only on loopback), no credentials,
 * query or fragment (callgate appends its own), at most MAX_SERVER_URL_LENGTH characters.
 * Returns it without a trailing slash; throws an Error whose message says what is wrong.
 */
export function parseServerUrl(raw: string): string {
  const text = raw.trim();
  if (text.length > MAX_SERVER_URL_LENGTH) {
    throw new Error(`must be at most ${MAX_SERVER_URL_LENGTH} characters`);
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error('must be an absolute URL');
  }
  if (parsed.protocol === 'http:') {
    if (!isLoopbackHost(parsed.hostname)) throw new Error('must use https (http only for loopback hosts)');
  } else if (parsed.protocol !== 'https:') {
    throw new Error('must use https');
  }
  if (parsed.username || parsed.password) throw new Error('must not contain credentials');
  if (parsed.search || parsed.hash || text.includes('#') || text.includes('?')) {
    throw new Error('must not contain a query or fragment');
  }
  return parsed.toString().replace(/\/+$/, '');
}
