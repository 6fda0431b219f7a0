/**
 * `GET /docs`: the API reference as a readable page, generated from the same OpenAPI
 * document `GET /openapi.json` serves, so the two cannot drift apart. Server-rendered,
 * every value escaped, no script.
 */
import { ERROR_STATUS } from '../errors.js';
import { escapeHtml } from './html.js';

type Json = Record<string, unknown>;

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

/** What each error code means, in the words a client developer needs. */
const ERROR_MEANING: Record<keyof typeof ERROR_STATUS, string> = {
  BAD_REQUEST: 'Invalid body, query or parameter; msg names the field.',
  UNAUTHORIZED: 'Missing, expired or invalid identity token.',
  FORBIDDEN: 'Authenticated, but not allowed (another organization, or not an admin).',
  CALLS_DISABLED: "The organization's video-call provider is disabled.",
  PROVIDER_AUTHORIZATION_REQUIRED:
    'The user must authorize the provider first: open authorize_url in a popup, then retry. Carries authorize_url and provider.',
  UNKNOWN_ZOOM_USER: "The provider does not know the user's email in its account.",
  INVALID_SIGNATURE: 'A signed link was altered.',
  INVALID_STATE: 'An authorization popup came back with an unknown, used or expired state.',
  NOT_FOUND: 'Unknown route or object.',
  PAYLOAD_TOO_LARGE: 'Body over the limit (16 KiB JSON, 64 KiB webhooks).',
  RATE_LIMITED: 'Too many requests; wait for Retry-After seconds.',
  INTERNAL: 'An error of callgate; details are in its log only.',
  PROVIDER_ERROR: 'The provider refused the request.',
  PROVIDER_AUTH_FAILED: "The provider rejected the server's credentials.",
  PROVIDER_UNAVAILABLE: 'The provider could not be reached, failed, or answered in an unexpected format.',
  PROVIDER_TIMEOUT: 'The provider did not answer in time.',
  PROVIDER_NOT_CONFIGURED: 'The provider lacks settings on this server.',
};

/** Renders the reference page from an OpenAPI 3.1 document. */
export function renderDocsPage(document: Json): string {
  const info = (document['info'] ?? {}) as Json;
  const paths = (document['paths'] ?? {}) as Record<string, Json>;
  const operations = Object.entries(paths)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => METHOD_ORDER.includes(method))
        .sort(([a], [b]) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b))
        .map(([method, operation]) => ({ path, method, operation: operation as Json })),
    );
  const toc = operations
    .map(
      ({ path, method }) =>
        `<li><a href="#${anchor(method, path)}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a></li>`,
    )
    .join('\n');
  const errorRows = Object.entries(ERROR_STATUS)
    .map(
      ([code, status]) =>
        `<tr><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(ERROR_MEANING[code as keyof typeof ERROR_STATUS])}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · callgate</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>callgate API reference</h1>
<p>${escapeHtml(String(info['description'] ?? ''))} Version ${escapeHtml(String(info['version'] ?? ''))}. The machine-readable form of this page is <a href="/openapi.json"><code>/openapi.json</code></a>.</p>
<h2 id="identity">Identity</h2>
<p>The chat server signs a short-lived JWT for each user (HS256 with <code>auth_jwt_secret</code>, or RS256/ES256 with the key in <code>AUTH_JWT_PUBLIC_KEY_FILE</code>) with the claims <code>sub</code> (user id), <code>org</code> (organization id, <code>^[a-z0-9][a-z0-9-]{0,62}$</code>), <code>name</code>, <code>email</code>, <code>role</code> (<code>owner</code>, <code>admin</code>, <code>member</code> or <code>guest</code>), <code>exp</code> and <code>aud</code> (<code>AUTH_JWT_AUDIENCE</code>, default <code>callgate</code>).</p>
<p>API routes (<code>/api/…</code>) take it as <code>Authorization: Bearer &lt;jwt&gt;</code>. Browser pages (<code>GET /calls/…</code>) take it from the <code>callgate_session</code> cookie, which <code>POST /api/v1/session</code> sets.</p>
<h2 id="responses">Responses</h2>
<p>Success: <code>{"result":"success","msg":"", …fields}</code>. Error: <code>{"result":"error","msg":"&lt;human text&gt;","code":"&lt;CODE&gt;", …fields}</code>. Clients switch on <code>code</code>; <code>msg</code> is for people.</p>
<div class="scroll"><table>
<thead><tr><th>code</th><th>status</th><th>meaning</th></tr></thead>
<tbody>
${errorRows}
</tbody>
</table></div>
<h2 id="routes">Routes</h2>
<ul class="toc">
${toc}
</ul>
${operations.map(({ path, method, operation }) => renderOperation(path, method, operation)).join('\n')}
</main>
</body>
</html>
`;
}

function renderOperation(path: string, method: string, operation: Json): string {
  const security = (operation['security'] as Json[] | undefined)?.flatMap((entry) => Object.keys(entry)) ?? [];
  const auth = security.includes('bearer')
    ? 'Bearer token'
    : security.includes('session')
      ? 'callgate_session cookie'
      : 'none';
  const parameters = ((operation['parameters'] as Json[] | undefined) ?? []).map((parameter) => ({
    name: String(parameter['name']),
    where: String(parameter['in']),
    required: parameter['required'] === true,
    schema: (parameter['schema'] ?? {}) as Json,
  }));
  const body = jsonSchemaOf(operation['requestBody']);
  const responses = Object.entries((operation['responses'] ?? {}) as Record<string, Json>);
  const success = responses.filter(([status]) => status.startsWith('2'));
  const errors = responses.filter(([status]) => !status.startsWith('2')).map(([status]) => status);
  return `<section class="operation" id="${anchor(method, path)}">
<h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(operation['summary'] ?? ''))}</p>
<p class="meta">Authentication: ${auth}</p>
${
  parameters.length
    ? fieldTable(
        'Parameters',
        parameters.map((p) => ({
          name: p.name,
          type: `${typeOf(p.schema)} (${p.where})`,
          required: p.required,
          note: describe(p.schema),
        })),
      )
    : ''
}
${body ? fieldTable('Request body (JSON)', fieldsOf(body)) : ''}
${success
  .map(([status, response]) => {
    const schema = jsonSchemaOf(response);
    const fields = schema ? fieldsOf(schema).filter((field) => field.name !== 'result' && field.name !== 'msg') : [];
    return `<p class="meta">${escapeHtml(status)}: ${escapeHtml(String(response['description'] ?? ''))}</p>${fields.length ? fieldTable('Answer fields', fields) : ''}`;
  })
  .join('\n')}
${errors.length ? `<p class="meta">Errors: ${errors.map(escapeHtml).join(', ')}</p>` : ''}
</section>`;
}

interface Field {
  name: string;
  type: string;
  required: boolean;
  note: string;
}

function fieldTable(title: string, fields: Field[]): string {
  const rows = fields
    .map(
      (field) =>
        `<tr><td><code>${escapeHtml(field.name)}</code></td><td>${escapeHtml(field.type)}</td><td>${field.required ? 'yes' : ''}</td><td>${escapeHtml(field.note)}</td></tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table><caption>${escapeHtml(title)}</caption>
<thead><tr><th>name</th><th>type</th><th>required</th><th>notes</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function jsonSchemaOf(holder: unknown): Json | null {
  const content = ((holder as Json | undefined)?.['content'] ?? {}) as Record<string, Json>;
  const schema = content['application/json']?.['schema'];
  return schema && typeof schema === 'object' ? (schema as Json) : null;
}

function fieldsOf(schema: Json): Field[] {
  const properties = (schema['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    type: typeOf(property),
    required: required.has(name),
    note: describe(property),
  }));
}

function typeOf(schema: Json): string {
  if (schema['const'] !== undefined) return JSON.stringify(schema['const']);
  if (Array.isArray(schema['enum'])) return 'string';
  const type = schema['type'];
  if (Array.isArray(type)) return type.join(' | ');
  if (type === 'array') return `array of ${typeOf((schema['items'] ?? {}) as Json)}`;
  if (typeof type === 'string') return type;
  const variants = (schema['anyOf'] ?? schema['oneOf']) as Json[] | undefined;
  if (variants) return variants.map(typeOf).join(' | ');
  return 'any';
}

function describe(schema: Json): string {
  const notes: string[] = [];
  if (typeof schema['description'] === 'string') notes.push(schema['description']);
  if (Array.isArray(schema['enum'])) notes.push(`one of ${schema['enum'].map((value) => String(value)).join(', ')}`);
  if (typeof schema['minLength'] === 'number' || typeof schema['maxLength'] === 'number') {
    notes.push(`${schema['minLength'] ?? 0}–${schema['maxLength'] ?? '∞'} characters`);
  }
  if (typeof schema['minimum'] === 'number' || typeof schema['maximum'] === 'number') {
    notes.push(`${schema['minimum'] ?? '−∞'} to ${schema['maximum'] ?? '∞'}`);
  }
  if (typeof schema['pattern'] === 'string') notes.push(`matches ${schema['pattern']}`);
  if (schema['default'] !== undefined) notes.push(`default ${JSON.stringify(schema['default'])}`);
  return notes.join('; ');
}

function anchor(method: string, path: string): string {
  return `${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}',
  'main{max-width:52rem;margin:0 auto;padding:1rem}',
  'h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.05rem;overflow-wrap:anywhere}',
  'code{font-family:ui-monospace,monospace;font-size:.92em;overflow-wrap:anywhere}',
  '.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;min-width:100%}',
  'caption{text-align:left;font-weight:600;padding:.25rem 0}',
  'th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}',
  '.operation{border-top:1px solid #ddd;padding-top:.5rem;margin-top:1.5rem}',
  '.method{display:inline-block;min-width:4rem;font-weight:700;color:#0b5394}',
  '.meta{color:#444;margin:.25rem 0}.toc{columns:2 20rem}',
].join('');
