/**
 * `GET /api/v1/me`, the per-user authorization popup routes and disconnection (SPEC §5),
 * for every provider registered with the per-user authorization service.
 */
import type { Router } from 'express';
import { orgContext } from '../orgs/orgSettings.js';
import type { Services } from '../services.js';
import { userAuthRoutes } from '../userAuth/routes.js';

/** Routes about the caller and their provider connections. */
export function meRoutes(services: Services): Router {
  return userAuthRoutes({
    userAuth: services.userAuth,
    verifier: services.verifier,
    publicUrl: services.config.publicUrl,
    hostOrigin: services.config.hostOrigin,
    logger: services.logger,
    async availableProviders(identity) {
      const context = orgContext(await services.orgSettings.get(identity.org));
      return services.userAuth
        .entries()
        .map((entry) => entry.spec.providerId)
        .filter((id) => services.registry.has(id) && services.registry.availability(id, context).available);
    },
  });
}
