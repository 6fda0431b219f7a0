/** Per-request log line and duration metric. Only the path is logged: queries carry tokens. */
import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** Logs each finished request and observes its duration under its route pattern. */
export function requestLog(deps: { logger: Logger; metrics: Metrics }): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : 'unmatched';
      deps.metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      deps.logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      );
    });
    next();
  };
}
