/** Prometheus metrics (prom-client), one registry per app so tests can build many apps. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isCallgateError } from './errors.js';

/** The metrics callgate exports on `/metrics`. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  callsCreated: Counter<'provider'>;
  providerErrors: Counter<'provider' | 'code'>;
  /** Batches of call records written (each one statement): records per batch show the grouping. */
  callRecordBatches: Counter;
}

/** Creates the registry and its metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'callgate_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'callgate_http_request_duration_seconds',
      help: 'HTTP request durations by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    callsCreated: new Counter({
      name: 'callgate_calls_created_total',
      help: 'Calls created, by provider',
      labelNames: ['provider'],
      registers: [registry],
    }),
    providerErrors: new Counter({
      name: 'callgate_provider_errors_total',
      help: 'Failed provider operations, by provider and error code',
      labelNames: ['provider', 'code'],
      registers: [registry],
    }),
    callRecordBatches: new Counter({
      name: 'callgate_call_record_batches_total',
      help: 'Batches of call records written to the database',
      registers: [registry],
    }),
  };
}

/** Counts a failed provider operation under its error code. */
export function countProviderError(metrics: Metrics, provider: string, error: unknown): void {
  metrics.providerErrors.inc({ provider, code: isCallgateError(error) ? error.code : 'INTERNAL' });
}
