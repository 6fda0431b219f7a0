/**
 * The OpenAPI 3.1 document of every route (`GET /openapi.json`). Each route is one entry
 * of ROUTES; `test/openapi.test.ts` checks the table against the routes the app serves.
 */

type Schema = Record<string, unknown>;

/** One documented operation. */
export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/api/v1/orgs/{org}/settings`. */
  path: string;
  summary: string;
  auth: 'bearer' | 'cookie' | 'none' | 'zoom-signature';
  /** Success status and body schema. */
  success?: { status: number; schema?: Schema; description?: string };
  body?: Schema;
  query?: Record<string, Schema>;
  errors?: number[];
  /** Served in local mode only (SPEC §8); absent in production. */
  localOnly?: boolean;
}

const str = { type: 'string' };
const bool = { type: 'boolean' };
const providerId = {
  type: 'string',
  enum: ['disabled', 'jitsi_meet', 'zoom', 'zoom_server_to_server', 'big_blue_button'],
};
const success = (properties: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  required: ['result', 'msg'],
  properties: { result: { const: 'success' }, msg: str, ...properties },
});
const orgSettings = success({
  video_chat_provider: providerId,
  jitsi_server_url: { type: ['string', 'null'] },
  server_jitsi_server_url: { type: ['string', 'null'] },
  available_video_chat_providers: { type: 'array', items: providerId },
});
const checkResult = success({
  status: { enum: ['ok', 'failed'] },
  reason: str,
  detail: str,
});

/** Every route callgate serves. */
export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/healthz', summary: 'Process is alive', auth: 'none', success: { status: 200 } },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Database is reachable',
    auth: 'none',
    success: { status: 200 },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    auth: 'none',
    success: { status: 200, description: 'Prometheus text format' },
  },
  { method: 'get', path: '/openapi.json', summary: 'This document', auth: 'none', success: { status: 200 } },
  {
    method: 'post',
    path: '/api/v1/session',
    summary: 'Set the callgate_session cookie from the Bearer token',
    auth: 'bearer',
    success: { status: 200, schema: success({ expires_at: str }) },
    errors: [401],
  },
  {
    method: 'delete',
    path: '/api/v1/session',
    summary: 'Clear the session cookie',
    auth: 'bearer',
    success: { status: 200, schema: success() },
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/v1/session/ticket',
    summary: 'A one-time ticket (60 s) that a /calls/ URL accepts once in place of the cookie (?ticket=)',
    auth: 'bearer',
    success: { status: 200, schema: success({ ticket: str, expires_in: { type: 'integer' } }) },
    errors: [401],
  },
  {
    method: 'get',
    path: '/client/callgate.js',
    summary: 'The browser client for chat frontends (ES module; also callgate.d.ts)',
    auth: 'none',
    success: { status: 200, description: 'JavaScript module' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/providers',
    summary: "Providers and their availability for the caller's organization",
    auth: 'bearer',
    success: {
      status: 200,
      schema: success({
        providers: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: providerId,
              name: str,
              available: bool,
              reason: str,
              capabilities: { type: 'object', properties: { voice_only: bool, requires_user_authorization: bool } },
            },
          },
        },
      }),
    },
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/v1/orgs/{org}/settings',
    summary: 'Organization settings',
    auth: 'bearer',
    success: { status: 200, schema: orgSettings },
    errors: [400, 401, 403],
  },
  {
    method: 'patch',
    path: '/api/v1/orgs/{org}/settings',
    summary: 'Change organization settings (admin/owner)',
    auth: 'bearer',
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        video_chat_provider: providerId,
        jitsi_server_url: { type: ['string', 'null'], description: 'https URL, "default" or null' },
      },
    },
    success: { status: 200, schema: orgSettings },
    errors: [400, 401, 403, 413],
  },
  {
    method: 'get',
    path: '/api/v1/orgs/{org}/audit-log',
    summary: 'Settings changes, newest first (admin/owner)',
    auth: 'bearer',
    query: { limit: { type: 'integer', minimum: 1, maximum: 200 }, before: { type: 'integer' } },
    success: {
      status: 200,
      schema: success({ entries: { type: 'array' }, next_before: { type: ['integer', 'null'] } }),
    },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/v1/orgs/{org}/calls/stats',
    summary: 'Calls per provider per UTC day (admin/owner)',
    auth: 'bearer',
    query: { days: { type: 'integer', minimum: 1, maximum: 366 } },
    success: { status: 200, schema: success({ days: { type: 'integer' }, since: str, counts: { type: 'array' } }) },
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/v1/orgs/{org}/providers/{id}/check',
    summary: "Test a provider's connection live (admin/owner)",
    auth: 'bearer',
    success: { status: 200, schema: checkResult },
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/api/v1/calls',
    summary: "Create a call with the organization's provider",
    auth: 'bearer',
    body: {
      type: 'object',
      additionalProperties: false,
      properties: { is_video_call: bool, meeting_name: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    success: { status: 200, schema: success({ provider: providerId, url: str, is_video_call: bool }) },
    errors: [400, 401, 403, 413, 429, 502, 503, 504],
  },
  {
    method: 'get',
    path: '/api/v1/me',
    summary: 'The caller and their provider connections',
    auth: 'bearer',
    success: {
      status: 200,
      schema: success({ user: { type: 'object' }, org: str, role: str, connections: { type: 'object' } }),
    },
    errors: [401],
  },
  {
    method: 'get',
    path: '/calls/jitsi/join',
    summary: 'Join a Jitsi call: mints a Jitsi JWT for the caller and redirects to the room',
    auth: 'cookie',
    query: { jitsi: { type: 'string', description: 'The signed join link from POST /api/v1/calls' } },
    success: { status: 302, description: 'Redirect to <base>/<room>?jwt=<jwt>#config.startWithVideoMuted=...' },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/calls/bigbluebutton/join',
    summary: 'Open a BigBlueButton call: creates the meeting at BBB and redirects to its join URL',
    auth: 'cookie',
    query: { bigbluebutton: { type: 'string', description: 'Signed token from the call URL' } },
    success: { status: 302, description: "Redirect to BigBlueButton's join URL" },
    errors: [400, 401, 403, 502, 503, 504],
  },
  {
    method: 'get',
    path: '/calls/admin',
    summary: 'Admin settings page (HTML); members see it read-only',
    auth: 'cookie',
    success: { status: 200, description: 'HTML page' },
    errors: [401],
  },
  {
    method: 'get',
    path: '/admin',
    summary: 'Redirects to /calls/admin, where the session cookie is sent',
    auth: 'none',
    success: { status: 302, description: 'Redirect to /calls/admin' },
  },
  {
    method: 'get',
    path: '/demo',
    localOnly: true,
    summary: 'Demo chat page (HTML; local mode only)',
    auth: 'none',
    success: { status: 200, description: 'HTML page' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/demo/session',
    localOnly: true,
    summary: 'Demo sign-in: an identity token for any org, user and role (local mode only)',
    auth: 'none',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['org', 'user_id', 'name', 'role'],
      properties: {
        org: str,
        user_id: str,
        name: str,
        email: str,
        role: { enum: ['owner', 'admin', 'member', 'guest'] },
      },
    },
    success: { status: 200, schema: success({ token: str, expires_at: str }) },
    errors: [400, 404, 413],
  },
  {
    method: 'delete',
    path: '/api/v1/me/connections/zoom',
    summary: "Disconnect the caller's Zoom account (revoked at Zoom, best effort)",
    auth: 'bearer',
    success: { status: 200, schema: success({ disconnected: bool }) },
    errors: [401],
  },
  {
    method: 'get',
    path: '/calls/zoom/register',
    summary: 'Start connecting a Zoom account: redirect to Zoom with state and PKCE',
    auth: 'cookie',
    success: { status: 302, description: "Redirect to Zoom's authorize page" },
    errors: [401, 503],
  },
  {
    method: 'get',
    path: '/calls/zoom/complete',
    summary: 'OAuth redirect target: store the Zoom tokens and tell the opener',
    auth: 'cookie',
    query: { code: str, state: str },
    success: { status: 200, description: 'HTML page that notifies the opener and closes' },
    errors: [400, 401, 429, 502, 503, 504],
  },
  {
    method: 'post',
    path: '/calls/zoom/deauthorize',
    summary: 'Zoom webhook: URL validation and app deauthorization',
    auth: 'zoom-signature',
    success: { status: 200, schema: { type: 'object' } },
    errors: [400, 401, 413, 503],
  },
];

const errorSchema = {
  type: 'object',
  required: ['result', 'msg', 'code'],
  properties: { result: { const: 'error' }, msg: str, code: str },
};

/** Builds the OpenAPI document. */
export function buildOpenApi(publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const parameters = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
        name: match[1],
        in: 'path',
        required: true,
        schema: str,
      })),
      ...Object.entries(route.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
    ];
    const responses: Record<string, unknown> = {
      [String(route.success?.status ?? 200)]: {
        description: route.success?.description ?? 'Success',
        ...(route.success?.schema ? { content: { 'application/json': { schema: route.success.schema } } } : {}),
      },
    };
    for (const status of route.errors ?? []) {
      responses[String(status)] = { description: 'Error', content: { 'application/json': { schema: errorSchema } } };
    }
    (paths[route.path] ??= {})[route.method] = {
      summary: route.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: false, content: { 'application/json': { schema: route.body } } } }
        : {}),
      ...(route.auth === 'bearer'
        ? { security: [{ bearer: [] }] }
        : route.auth === 'cookie'
          ? { security: [{ session: [] }] }
          : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'callgate',
      version: '0.1.0',
      description: 'Video-call gateway: Jitsi Meet, Zoom and BigBlueButton.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        session: { type: 'apiKey', in: 'cookie', name: 'callgate_session' },
      },
    },
    paths,
  };
}
