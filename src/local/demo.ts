/**
 * Local mode's demo sign-in (SPEC §8): `GET /demo` serves the chat-like page and
 * `POST /demo/session` signs an identity token for any org, user and role, as a chat
 * server would. Never mounted in production mode.
 */
import { z } from 'zod';
import { mintToken, ORG_ID_PATTERN, ROLES } from '../auth/identity.js';
import { CallgateError } from '../errors.js';
import { defineRoute, type RouteEntry } from '../http/route.js';
import type { Services } from '../services.js';
import type { Assets } from '../web/assets.js';
import { renderDemoPage } from '../web/demoPage.js';
import { appPageReply } from '../web/layout.js';

/** How long a demo identity lasts. */
export const DEMO_TOKEN_TTL_SECONDS = 8 * 3600;

const sessionBody = z
  .object({
    org: z.string().regex(ORG_ID_PATTERN, 'lowercase letters, digits and dashes, starting with a letter or digit'),
    user_id: z.string().trim().min(1).max(128),
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    email: z.string().trim().max(254).optional(),
  })
  .strict();

/** Routes of the demo (local mode only). */
export function demoRoutes(services: Services, assets: Assets): RouteEntry[] {
  const { config } = services;
  return [
    defineRoute({
      method: 'get',
      path: '/demo',
      localOnly: true,
      summary: 'Demo chat page (HTML; local mode only)',
      auth: 'none',
      success: { status: 200, description: 'HTML page' },
      errors: [404],
      handle: () => appPageReply(renderDemoPage({ assets, publicUrl: config.publicUrl })),
    }),
    defineRoute({
      method: 'post',
      path: '/demo/session',
      localOnly: true,
      summary: 'Demo sign-in: an identity token for any org, user and role (local mode only)',
      auth: 'none',
      body: sessionBody,
      bodyRequired: true,
      success: { status: 200, schema: z.object({ token: z.string(), expires_at: z.string() }) },
      errors: [400, 404, 413],
      handle({ body }) {
        const secret = config.auth.jwtSecret;
        if (secret === null) {
          // With AUTH_JWT_PUBLIC_KEY_FILE only the host holds the signing key.
          throw new CallgateError('FORBIDDEN', 'The demo cannot sign tokens when AUTH_JWT_PUBLIC_KEY_FILE is set');
        }
        const email = body.email || `${body.user_id.replace(/[^A-Za-z0-9._-]/g, '_')}@${body.org}.example`;
        const token = mintToken(secret, {
          org: body.org,
          userId: body.user_id,
          name: body.name,
          email,
          role: body.role,
          ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
          audience: config.auth.audience,
          issuer: config.auth.issuer,
        });
        const exp = services.verifier.verify(token).exp;
        return { kind: 'success', fields: { token, expires_at: new Date(exp * 1000).toISOString() } };
      },
    }),
  ];
}
