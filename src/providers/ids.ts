/** Provider ids (SPEC §3): `disabled` plus every id the modules declare. */

/** The id meaning "calls are off for this organization". */
export const DISABLED = 'disabled';

/** Every built-in provider id, `disabled` first. (Derived from the module list once the families move, issue 13.) */
export const PROVIDER_IDS: readonly string[] = [
  DISABLED,
  'jitsi_meet',
  'zoom',
  'zoom_server_to_server',
  'big_blue_button',
];

/** One provider id; checked against the registry where it comes in. */
export type ProviderId = string;

/** Ids of providers that create calls (all but `disabled`). */
export type CallProviderId = string;

/** Whether a string is a built-in provider id. */
export function isProviderId(value: string): value is ProviderId {
  return PROVIDER_IDS.includes(value);
}
