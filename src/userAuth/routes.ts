/**
 * Route entries of per-user authorization (SPEC §5), for the route table (Express,
 * validation and OpenAPI from one list): `GET /api/v1/me` with the caller's connections,
 * and per registered provider `GET /calls/<path>/register` (→ the provider),
 * `GET /calls/<path>/complete` (← the provider; answers the popup page) and
 * `DELETE /api/v1/me/connections/<provider id>`.
 */
import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { CallgateError, INTERNAL_MESSAGE } from '../errors.js';
import { toCallgateError } from '../http/errorMiddleware.js';
import { defineRoute, type RouteEntry } from '../http/route.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../log.js';
import { escapeHtml } from '../web/html.js';
import { popupPage } from './popupPage.js';
import type { UserAuthEntry, UserAuthService } from './service.js';
import { messageTypeOf } from './texts.js';

const completeQuery = z.object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(256) });
const errorQuery = z.object({ error: z.string().max(256), error_description: z.string().max(2048).optional() });
const connection = z.object({ connected: z.boolean(), expires_at: z.string().nullable() });

/** What the routes need. */
export interface UserAuthRouteDeps {
  userAuth: UserAuthService;
  publicUrl: string;
  hostOrigin: string | null;
  logger: Logger;
  /** Ids of the registered providers available to the caller's organization. */
  availableProviders(identity: Identity): Promise<string[]>;
}

/** The caller of a `bearer` or `session` route. */
function caller(request: { identity: Identity | null }): Identity {
  if (!request.identity) throw new CallgateError('UNAUTHORIZED', 'Authentication required');
  return request.identity;
}

/** Every route of per-user authorization, for the providers registered so far. */
export function userAuthRouteEntries(deps: UserAuthRouteDeps): RouteEntry[] {
  const me = defineRoute({
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
        connections: z.record(z.string(), connection),
      }),
    },
    errors: [401],
    async handle(request) {
      const identity = caller(request);
      const connections = await deps.userAuth.connections(identity, await deps.availableProviders(identity));
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
  return [me, ...deps.userAuth.entries().flatMap((entry) => providerRoutes(deps, entry))];
}

function providerRoutes(deps: UserAuthRouteDeps, entry: UserAuthEntry): RouteEntry[] {
  const { spec, texts } = entry;
  const provider = spec.providerId;
  const name = spec.displayName;
  const log = deps.logger.child({ module: 'user-auth-routes', provider });
  const registerUrl = `${deps.publicUrl}/calls/${spec.path}/register`;
  const messageType = messageTypeOf(spec);

  const register = defineRoute({
    method: 'get',
    path: `/calls/${spec.path}/register`,
    summary: `Start connecting a ${name} account: redirect to ${name} with state and PKCE`,
    auth: 'session',
    success: { status: 302, description: `Redirect to ${name}'s authorize page` },
    errors: [401, 429, 503],
    async handle(request) {
      const location = await deps.userAuth.startAuthorization(provider, caller(request));
      return { kind: 'redirect', location, headers: { 'Cache-Control': 'no-store' } };
    },
  });

  const complete = defineRoute({
    method: 'get',
    path: `/calls/${spec.path}/complete`,
    summary: `OAuth redirect target: store the ${name} tokens and tell the opener`,
    auth: 'session',
    // Checked inside: every refusal is answered with the popup page, not JSON.
    query: z.record(z.string(), z.unknown()),
    success: { status: 200, description: 'HTML page that notifies the opener and closes' },
    errors: [400, 401, 429, 502, 503, 504],
    async handle(request) {
      const identity = caller(request);
      try {
        if (typeof request.query['error'] === 'string') {
          const refusal = errorQuery.safeParse(request.query);
          const words = refusal.success
            ? spec.describeAuthorizeError?.(refusal.data.error, refusal.data.error_description)
            : null;
          throw new CallgateError('BAD_REQUEST', words ?? texts.declined);
        }
        await deps.userAuth.completeAuthorization(
          provider,
          identity,
          parseInput(completeQuery, request.query, 'query'),
        );
      } catch (raw) {
        const error = toCallgateError(raw);
        // A missing or expired session is the error middleware's: it may send the user to log in.
        if (error.code === 'UNAUTHORIZED') throw error;
        if (error.status >= 500) log.error({ err: raw, code: error.code }, 'user authorization failed');
        else log.info({ code: error.code }, 'user authorization refused');
        // The popup stays open to explain and offer a retry; the opener learns not to wait.
        return popupPage(error.status, deps.hostOrigin, {
          connected: false,
          messageType,
          title: texts.failedTitle,
          paragraphs: [error.expose ? error.message : INTERNAL_MESSAGE, texts.failedHint],
          trustedHtml: `<p><a href="${escapeHtml(registerUrl)}">${escapeHtml(texts.retryLink)}</a></p>`,
          headers: error.headers,
        });
      }
      return popupPage(200, deps.hostOrigin, {
        connected: true,
        messageType,
        title: texts.connectedTitle,
        paragraphs: [texts.connectedBody],
      });
    },
  });

  const disconnect = defineRoute({
    method: 'delete',
    path: `/api/v1/me/connections/${provider}`,
    summary: `Disconnect the caller's ${name} account (revoked at ${name} where it can, and deleted)`,
    auth: 'bearer',
    success: { status: 200, schema: z.object({ disconnected: z.boolean() }) },
    errors: [401],
    async handle(request) {
      return { kind: 'success', fields: { disconnected: await deps.userAuth.disconnect(provider, caller(request)) } };
    },
  });
  return [register, complete, disconnect];
}
