/**
 * Local mode's provider simulators (SPEC §8): every module with a simulator and no real
 * settings is pointed at an in-process simulator mounted on callgate itself, so a fresh
 * checkout can complete a call with each provider without any account anywhere. Each
 * simulator is loaded with a dynamic `import()` here, so production never loads one.
 */
import { moduleSettings, withModuleSettings, type Config } from '../../config/index.js';
import type { LocalRouter } from '../index.js';

/** Where the simulators are mounted on callgate. */
export const SIMULATORS_PATH = '/_simulators';

/** The config with simulator settings filled in, and the routers to mount. */
export interface LocalSimulators {
  config: Config;
  routers: LocalRouter[];
  /** Provider ids now served by a simulator. */
  simulated: string[];
}

/** Fills in simulator settings for modules that have none; only ever called in local mode. */
export async function localSimulators(config: Config): Promise<LocalSimulators> {
  if (config.mode !== 'local') throw new Error('simulators run in local mode only');
  const routers: LocalRouter[] = [];
  const simulated: string[] = [];
  let result = config;
  for (const module of config.modules) {
    if (!module.simulator) continue;
    const mountPath = `${SIMULATORS_PATH}/${module.key.toLowerCase()}`;
    const simulator = await module.simulator();
    const outcome = simulator.simulate(moduleSettings(config, module), {
      mountPath,
      baseUrl: `${config.publicUrl}${mountPath}`,
      publicUrl: config.publicUrl,
    });
    if (!outcome) continue;
    routers.push({ path: mountPath, router: outcome.router });
    simulated.push(...outcome.providerIds);
    result = withModuleSettings(result, module, outcome.settings);
  }
  return { config: result, routers, simulated };
}
