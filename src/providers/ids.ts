/** Provider ids (SPEC §3): `disabled` plus every id the modules declare. */
import { PROVIDER_MODULES } from './modules.js';

/** The id meaning "calls are off for this organization". */
export const DISABLED = 'disabled';

/** Every built-in provider id, `disabled` first, derived from the module list. */
export const PROVIDER_IDS: readonly string[] = [DISABLED, ...PROVIDER_MODULES.flatMap((module) => module.ids)];

/** One provider id; checked against the registry where it comes in. */
export type ProviderId = string;

/** Ids of providers that create calls (all but `disabled`). */
export type CallProviderId = string;

/** Whether a string is a built-in provider id. */
export function isProviderId(value: string): value is ProviderId {
  return PROVIDER_IDS.includes(value);
}
