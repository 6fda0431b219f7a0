/**
 * The OpenAPI 3.1 document of every route (`GET /openapi.json`), generated from the route
 * table's entries: their zod schemas become JSON Schema with zod 4's `z.toJSONSchema`, so
 * nothing is written twice. `test/openapi.test.ts` checks it against the routes served.
 */
import { z } from 'zod';
import type { RouteEntry } from './http/route.js';

type Schema = Record<string, unknown>;

const errorSchema: Schema = {
  type: 'object',
  required: ['result', 'msg', 'code'],
  properties: { result: { const: 'error' }, msg: { type: 'string' }, code: { type: 'string' } },
};

/** JSON Schema of a zod schema; `input` documents what a request may send (before transforms). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Schema;
  // The document's dialect is OpenAPI 3.1's own; a `$schema` per schema would only repeat it.
  delete converted['$schema'];
  return converted;
}

function properties(schema: Schema): Record<string, Schema> {
  const props = schema['properties'];
  return typeof props === 'object' && props !== null ? (props as Record<string, Schema>) : {};
}

function successSchema(entry: RouteEntry): Schema | undefined {
  const fields = entry.success.schema ? jsonSchema(entry.success.schema, 'output') : undefined;
  if (entry.success.raw) return fields;
  if (entry.success.status >= 300 && entry.success.status < 400) return undefined;
  if (entry.success.description && !fields) return undefined;
  const required = Array.isArray(fields?.['required']) ? (fields['required'] as string[]) : [];
  return {
    type: 'object',
    required: ['result', 'msg', ...required],
    properties: { result: { const: 'success' }, msg: { type: 'string' }, ...(fields ? properties(fields) : {}) },
  };
}

function parameters(entry: RouteEntry): Schema[] {
  const path = entry.params ? properties(jsonSchema(entry.params, 'input')) : {};
  const fromPath = [...entry.path.matchAll(/\{(\w+)\}/g)].map((match) => {
    const name = match[1] ?? '';
    return { name, in: 'path', required: true, schema: path[name] ?? { type: 'string' } };
  });
  const query = entry.query ? jsonSchema(entry.query, 'input') : undefined;
  const requiredQuery = Array.isArray(query?.['required']) ? (query['required'] as string[]) : [];
  const fromQuery = Object.entries(query ? properties(query) : {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: requiredQuery.includes(name),
    schema,
  }));
  return [...fromPath, ...fromQuery];
}

function security(entry: RouteEntry): Schema {
  if (entry.auth === 'bearer') return { security: [{ bearer: [] }] };
  if (entry.auth === 'session') return { security: [{ session: [] }] };
  return {};
}

/** Builds the OpenAPI document of `entries`. */
export function buildOpenApi(entries: readonly RouteEntry[], publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const entry of entries) {
    const success = successSchema(entry);
    const responses: Record<string, unknown> = {
      [String(entry.success.status)]: {
        description: entry.success.description ?? 'Success',
        ...(success ? { content: { 'application/json': { schema: success } } } : {}),
      },
    };
    for (const status of entry.errors ?? []) {
      responses[String(status)] = { description: 'Error', content: { 'application/json': { schema: errorSchema } } };
    }
    const params = parameters(entry);
    (paths[entry.path] ??= {})[entry.method] = {
      summary: entry.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(entry.body
        ? {
            requestBody: {
              required: entry.bodyRequired === true,
              content: { 'application/json': { schema: jsonSchema(entry.body, 'input') } },
            },
          }
        : {}),
      ...security(entry),
      ...(entry.localOnly ? { 'x-local-only': true } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'callgate', version: '0.1.0', description: 'Video-call gateway: one API for many providers.' },
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
