/**
 * Structured logging (pino). Redaction is configured here once, so no call site has to
 * remember it: headers, tokens, secrets and checksums never reach a log line.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Paths pino replaces with "[redacted]" wherever they appear. */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.client_secret',
  '*.checksum',
  '*.code_verifier',
  '*.password',
  'token',
  'access_token',
  'refresh_token',
  'secret',
  'checksum',
];

/**
 * Serialises an error for the log without the parts that carry credentials: an HTTP
 * client's error holds the request config (with its Authorization header) and the response.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out['code'] = code;
  if (error.stack) out['stack'] = error.stack;
  if (error.cause !== undefined) out['cause'] = serializeError(error.cause);
  return out;
}

/** Creates the root logger; `destination` lets tests capture every line. */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      base: { service: 'callgate' },
    },
    options.destination,
  );
}
