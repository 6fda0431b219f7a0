/**
 * The one retry a per-user provider makes (STYLE §5–6): when the provider refuses the access
 * token before doing anything, refresh once (or take the token another request or replica has
 * just stored) and try again; when even that token is refused, forget the user's tokens and
 * ask them to authorize again. Any other failure is final: a meeting creation is never
 * blindly retried.
 */
import type { Identity } from '../../auth/identity.js';
import type { UserTokens } from '../../userAuth/types.js';

/** One attempt's outcome: done, or the token was refused and nothing happened. */
export type TokenAttempt<T> = { kind: 'done'; value: T } | { kind: 'token_rejected' };

/** Runs `attempt` with the user's token, at most twice (see above). */
export async function withUserToken<T>(options: {
  tokens: UserTokens;
  identity: Identity;
  displayName: string;
  attempt: (accessToken: string) => Promise<TokenAttempt<T>>;
}): Promise<T> {
  const { tokens, identity } = options;
  const token = await tokens.accessToken(identity);
  const first = await options.attempt(token);
  if (first.kind === 'done') return first.value;
  const second = await options.attempt(await tokens.refreshAfterRejection(identity, token));
  if (second.kind === 'done') return second.value;
  await tokens.forget(identity);
  throw tokens.authorizationRequired(new Error(`${options.displayName} refused a freshly refreshed user token`));
}
