/** Provider ids (SPEC §3). */
export const PROVIDER_IDS = ['disabled', 'jitsi_meet', 'zoom', 'zoom_server_to_server', 'big_blue_button'] as const;

/** One provider id. */
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** Ids of providers that create calls (all but `disabled`). */
export type CallProviderId = Exclude<ProviderId, 'disabled'>;

/** Whether a string is a provider id. */
export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}
