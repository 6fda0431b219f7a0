/** The words of the per-user authorization flow, built from a provider's display name. */
import type { OAuthSpec, OAuthTexts } from './types.js';

/**
 * Defaults; for `Zoom` they are byte for byte the texts Zoom's flow has always used
 * (tests and the chat frontend match them).
 */
export function defaultTexts(name: string): OAuthTexts {
  return {
    authorizationRequired: `You need to connect your ${name} account first`,
    invalidState: `Invalid ${name} session identifier`,
    notConfigured: `${name} credentials have not been configured`,
    declined: `${name} did not authorize callgate (the request was declined)`,
    codeRefused: `code: ${name} did not accept the authorization code (expired or already used)`,
    invalidCredentials: `Invalid ${name} credentials`,
    providerError: `Failed to create ${name} call`,
    timeout: `Timed out connecting to the ${name} server`,
    unavailable: `Error connecting to the ${name} server`,
    rateLimited: `${name} is rate-limiting requests; try again later`,
    connectedTitle: `${name} connected`,
    connectedBody: `Your ${name} account is connected. You can close this window and start your call.`,
    failedTitle: `${name} was not connected`,
    failedHint: `Start again to connect your ${name} account. If it keeps failing, tell your administrator.`,
    retryLink: `Connect ${name} again`,
  };
}

/** A spec's texts: its overrides over the defaults. */
export function textsOf(spec: OAuthSpec): OAuthTexts {
  return { ...defaultTexts(spec.displayName), ...spec.texts };
}

/** The popup message type: Zoom's stays `zoom_token`, others `<provider id>_token`. */
export function messageTypeOf(spec: OAuthSpec): string {
  return spec.messageType ?? `${spec.providerId}_token`;
}
