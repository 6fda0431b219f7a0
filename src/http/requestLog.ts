/** Per-request log line and duration metric. Only the path is logged: queries carry tokens. */
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** Where request logs and durations go. */
export interface RequestLogDeps {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Logs the request once `res` has finished and observes its duration under `route()`, its
 * route pattern (e.g. `/api/v1/orgs/:org/settings`) or `unmatched`, read at the end
 * because the route is known only once the request has been routed.
 */
export function logWhenFinished(
  deps: RequestLogDeps,
  res: ServerResponse,
  request: { method: string; path: string; route: () => string },
): void {
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const status = res.statusCode;
    deps.metrics.httpDuration.observe(
      { method: request.method, route: request.route(), status: String(status) },
      seconds,
    );
    deps.logger.info(
      { method: request.method, path: request.path, status, ms: Math.round(seconds * 1e4) / 10 },
      'request',
    );
  });
}

/** Express middleware: logs each finished request (see logWhenFinished). */
export function requestLog(deps: RequestLogDeps): RequestHandler {
  return (req, res, next) => {
    logWhenFinished(deps, res, {
      method: req.method,
      path: req.path,
      route: () => {
        const routePath = (req.route as { path?: unknown } | undefined)?.path;
        return typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : 'unmatched';
      },
    });
    next();
  };
}
