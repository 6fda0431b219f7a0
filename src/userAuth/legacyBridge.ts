/**
 * TEMPORARY (R1, issue 13): serves `CoreContext.userTokens(spec)` and the per-user
 * authorization routes with the release's Zoom-only token service, until R2's generic
 * service in `src/userAuth/` replaces this file at the merge. It only works for specs
 * whose tokens live in the release's Zoom token table (Zoom itself).
 */
import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { randomToken } from '../crypto/random.js';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import { CallgateError, INTERNAL_MESSAGE } from '../errors.js';
import { toCallgateError } from '../http/errorMiddleware.js';
import { callerOf, defineRoute, type RouteEntry, type RouteReply } from '../http/route.js';
import type { Logger } from '../log.js';
import { createZoomOAuthClient, InvalidGrantError } from '../providers/zoom/oauthClient.js';
import { createZoomUserTokens, type ZoomTokenStore, type ZoomUserTokens } from '../providers/zoom/userTokens.js';
import type { Store } from '../store/types.js';
import { escapeHtml, renderPage, type PageOptions } from '../web/html.js';
import type { OAuthSpec, UserTokens } from './types.js';

/** The bridge: token handles for providers, and the routes of every spec handed out. */
export interface LegacyUserAuth {
  userTokens(spec: OAuthSpec): UserTokens;
  routes(): RouteEntry[];
}

interface Registered {
  spec: OAuthSpec;
  legacy: ZoomUserTokens;
  handle: UserTokens;
}

/** Creates the bridge. */
export function createLegacyUserAuth(deps: {
  store: ZoomTokenStore & Pick<Store, 'getZoomToken'>;
  cipher: TokenCipher;
  publicUrl: string;
  hostOrigin: string | null;
  upstreamTimeoutMs: number;
  logger: Logger;
  now: () => number;
}): LegacyUserAuth {
  const registered: Registered[] = [];
  return {
    userTokens(spec) {
      const oauthUrl = spec.tokenUrl.replace(/\/oauth\/token$/, '');
      const oauth =
        spec.clientId && spec.clientSecret
          ? createZoomOAuthClient({
              oauthUrl,
              clientId: spec.clientId,
              clientSecret: spec.clientSecret,
              redirectUri: `${deps.publicUrl}/calls/${spec.path}/complete`,
              timeoutMs: deps.upstreamTimeoutMs,
            })
          : null;
      const legacy = createZoomUserTokens({
        oauth,
        store: deps.store,
        cipher: deps.cipher,
        publicUrl: deps.publicUrl,
        logger: deps.logger,
        now: deps.now,
        lookUpZoomUser: async (accessToken) => {
          const account = await spec.lookUpAccount?.(accessToken);
          return account ? { zoomUserId: account.userId, zoomAccountId: account.accountId ?? '' } : null;
        },
      });
      const notConfigured = spec.texts?.notConfigured ?? `${spec.displayName} credentials have not been configured`;
      const handle: UserTokens = {
        accessToken: (identity) => legacy.accessToken(identity),
        refreshAfterRejection: (identity, rejected) => legacy.refreshAfterRejection(identity, rejected),
        forget: (identity) => legacy.forget(identity),
        authorizationRequired: (cause) =>
          new CallgateError(
            'PROVIDER_AUTHORIZATION_REQUIRED',
            `You need to connect your ${spec.displayName} account first`,
            {
              cause,
              fields: { authorize_url: `${deps.publicUrl}/calls/${spec.path}/register` },
            },
          ),
        forgetAccount: (accountUserId, accountId) => legacy.deleteOfZoomUser(accountUserId, accountId),
        async checkClient() {
          if (!oauth) return { status: 'failed', reason: 'not_configured', detail: notConfigured };
          try {
            await oauth.refresh('callgate-connection-check');
            return {
              status: 'failed',
              reason: 'unexpected_answer',
              detail: `${spec.displayName} accepted a made-up refresh token`,
            };
          } catch (error) {
            if (error instanceof InvalidGrantError) return { status: 'ok' };
            if (error instanceof CallgateError && error.code === 'PROVIDER_AUTH_FAILED') {
              return { status: 'failed', reason: 'invalid_credentials', detail: error.message };
            }
            const detail = error instanceof CallgateError ? error.message : 'Unexpected error';
            return { status: 'failed', reason: 'unreachable', detail };
          }
        },
      };
      registered.push({ spec, legacy, handle });
      return handle;
    },

    routes() {
      return [meRoute(deps.store, registered), ...registered.flatMap((entry) => specRoutes(entry, deps))];
    },
  };
}

const completeQuery = z.object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(256) });

function meRoute(store: Pick<Store, 'getZoomToken'>, registered: Registered[]): RouteEntry {
  return defineRoute({
    method: 'get',
    path: '/api/v1/me',
    summary: 'The caller and their provider connections',
    auth: 'bearer',
    success: {
      status: 200,
      schema: z.object({
        user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
        org: z.string(),
        role: z.string(),
        connections: z.record(z.string(), z.object({ connected: z.boolean(), expires_at: z.string().nullable() })),
      }),
    },
    errors: [401],
    async handle(request) {
      const identity = callerOf(request);
      const connections: Record<string, { connected: boolean; expires_at: string | null }> = {};
      for (const { spec } of registered) {
        const token = await store.getZoomToken(identity.org, identity.userId);
        connections[spec.providerId] = {
          connected: token !== null,
          expires_at: token ? new Date(token.expiresAt).toISOString() : null,
        };
      }
      return {
        kind: 'success',
        fields: {
          user: { id: identity.userId, name: identity.name, email: identity.email },
          org: identity.org,
          role: identity.role,
          connections,
        },
      };
    },
  });
}

function specRoutes(
  { spec, legacy }: Registered,
  deps: { publicUrl: string; hostOrigin: string | null; logger: Logger },
): RouteEntry[] {
  const name = spec.displayName;
  const registerUrl = `${deps.publicUrl}/calls/${spec.path}/register`;
  const log = deps.logger.child({ module: `${spec.path}-authorization` });
  const popup = (
    status: number,
    page: Omit<PageOptions, 'script'> & { connected: boolean; headers?: Record<string, string> },
  ): RouteReply => popupPage(status, deps.hostOrigin, spec.messageType ?? `${spec.providerId}_token`, page);
  return [
    defineRoute({
      method: 'get',
      path: `/calls/${spec.path}/register`,
      summary: `Start connecting a ${name} account: redirect to ${name} with state and PKCE`,
      auth: 'session',
      success: { status: 302, description: `Redirect to ${name}'s authorize page` },
      errors: [401, 503],
      async handle(request) {
        const location = await legacy.startAuthorization(callerOf(request));
        return { kind: 'redirect', location, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `/calls/${spec.path}/complete`,
      summary: `OAuth redirect target: store the ${name} tokens and tell the opener`,
      auth: 'session',
      query: z
        .object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional() })
        .loose(),
      success: { status: 200, description: 'HTML page that notifies the opener and closes' },
      errors: [400, 401, 429, 502, 503, 504],
      async handle(request) {
        const identity: Identity = callerOf(request);
        try {
          if (typeof request.query.error === 'string') {
            throw new CallgateError('BAD_REQUEST', `${name} did not authorize callgate (the request was declined)`);
          }
          const parsed = completeQuery.safeParse(request.query);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new CallgateError(
              'BAD_REQUEST',
              `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`,
            );
          }
          await legacy.completeAuthorization(identity, parsed.data);
        } catch (raw) {
          const error = toCallgateError(raw);
          if (error.code === 'UNAUTHORIZED') throw error;
          if (error.status >= 500) log.error({ err: raw, code: error.code }, 'authorization failed');
          else log.info({ code: error.code }, 'authorization refused');
          // The popup stays open to explain and offer a retry; the opener learns not to wait.
          return popup(error.status, {
            connected: false,
            title: `${name} was not connected`,
            paragraphs: [
              error.expose ? error.message : INTERNAL_MESSAGE,
              `Start again to connect your ${name} account. If it keeps failing, tell your administrator.`,
            ],
            trustedHtml: `<p><a href="${escapeHtml(registerUrl)}">Connect ${escapeHtml(name)} again</a></p>`,
            headers: error.headers,
          });
        }
        return popup(200, {
          connected: true,
          title: `${name} connected`,
          paragraphs: [`Your ${name} account is connected. You can close this window and start your call.`],
        });
      },
    }),
    defineRoute({
      method: 'delete',
      path: `/api/v1/me/connections/${spec.providerId}`,
      summary: `Disconnect the caller's ${name} account (revoked at ${name}, best effort)`,
      auth: 'bearer',
      success: { status: 200, schema: z.object({ disconnected: z.boolean() }) },
      errors: [401],
      async handle(request) {
        return { kind: 'success', fields: { disconnected: await legacy.disconnect(callerOf(request)) } };
      },
    }),
  ];
}

/**
 * A page of the authorization popup that reports the outcome to the chat page: on
 * BroadcastChannel "callgate" and by postMessage to HOST_ORIGIN only, never "*".
 */
function popupPage(
  status: number,
  hostOrigin: string | null,
  messageType: string,
  page: Omit<PageOptions, 'script'> & { connected: boolean; headers?: Record<string, string> },
): RouteReply {
  const { connected, headers, ...content } = page;
  const nonce = randomToken(18);
  // JSON text with `<` escaped cannot close the script element.
  const origin = JSON.stringify(hostOrigin).replace(/</g, '\\u003c');
  const type = JSON.stringify(messageType).replace(/</g, '\\u003c');
  const code = `(function () {
  var message = { type: ${type}, value: ${connected ? 'true' : 'false'} };
  var origin = ${origin};
  try { new BroadcastChannel("callgate").postMessage(message); } catch (e) {}
  if (origin && window.opener) { try { window.opener.postMessage(message, origin); } catch (e) {} }
  ${connected ? 'window.close();' : ''}
})();`;
  return {
    kind: 'html',
    status,
    html: renderPage({ ...content, script: { nonce, code } }),
    headers: {
      ...headers,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
  };
}
