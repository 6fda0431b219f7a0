/**
 * The module list: adding a provider is a new folder under `src/providers/` and one line
 * here. Order is the order of `GET /api/v1/providers`.
 */
import type { ProviderModule } from './module.js';

/** Every built-in provider module. (Filled as the families move into modules, issue 13.) */
export const PROVIDER_MODULES = [] as const satisfies readonly ProviderModule[];
