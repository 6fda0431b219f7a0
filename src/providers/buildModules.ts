/** Builds every provider module of a config: their providers, routes and org settings fields. */
import { moduleSettings, type Config } from '../config/index.js';
import type { RouteEntry } from '../http/route.js';
import type { CoreContext, OrgSettingField } from './module.js';
import type { Provider } from './types.js';

/** What the modules built, gathered. */
export interface BuiltModules {
  providers: Provider[];
  routes: RouteEntry[];
  orgSettingFields: OrgSettingField[];
}

/** Builds each of `config.modules` from its settings; each gets a logger named after it. */
export function buildModules(config: Config, core: CoreContext): BuiltModules {
  const built: BuiltModules = { providers: [], routes: [], orgSettingFields: [] };
  for (const module of config.modules) {
    const result = module.create(moduleSettings(config, module), {
      ...core,
      logger: core.logger.child({ module: module.key }),
    });
    for (const provider of result.providers) {
      if (!module.ids.includes(provider.id)) {
        throw new Error(`provider module ${module.key} built ${provider.id}, which it does not declare in ids`);
      }
    }
    built.providers.push(...result.providers);
    built.routes.push(...(result.routes ?? []));
    built.orgSettingFields.push(...(result.orgSettings ?? []));
  }
  return built;
}
