/**
 * The provider module: everything of one provider family, exported by its folder
 * (`src/providers/<name>/index.ts`) and listed once in `modules.ts`. The core composes the
 * modules' settings schemas into the config, builds their providers, mounts their routes,
 * documents them in OpenAPI and, in local mode only, loads their simulators; it iterates
 * capabilities and never names a provider. A module never reads `process.env`, never opens
 * the database and never falls back to another provider.
 */
import type { Router } from 'express';
import type { z } from 'zod';
import type { TokenCipher } from '../crypto/tokenCipher.js';
import type { AddressPolicy } from '../http/addressPolicy.js';
import type { DeliveryGuard } from '../http/deliveryGuard.js';
import type { RouteEntry } from '../http/route.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { OAuthSpec, UserTokens } from '../userAuth/types.js';
import type { Provider } from './types.js';

export type { Provider } from './types.js';
export type { RouteEntry } from '../http/route.js';
export type { OAuthSpec, UserTokens } from '../userAuth/types.js';

/**
 * What a module's settings schema parses: the environment and the `[secrets]` section
 * (only names the module lists in `secretNames` reach it), plus where relative file paths
 * resolve. A schema reports a bad value as a zod issue whose path's last element is the
 * setting's name (e.g. `['env', 'JITSI_SERVER_URL']`); start-up prints `NAME: message`.
 */
export interface SettingsSource {
  env: Readonly<Record<string, string | undefined>>;
  secrets: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths (e.g. key files) resolve against. */
  cwd: string;
  mode: 'production' | 'local';
}

/** What the core hands a module when it builds its providers. */
export interface CoreContext {
  /** The public base URL, without a trailing slash. */
  publicUrl: string;
  /** The chat frontend's origin (postMessage target of popups), or null. */
  hostOrigin: string | null;
  mode: 'production' | 'local';
  /** Deadline of every upstream request (`UPSTREAM_TIMEOUT_MS`). */
  upstreamTimeoutMs: number;
  /** Clock; tests move it instead of sleeping. */
  now: () => number;
  /** A child logger named after the module. */
  logger: Logger;
  metrics: Metrics;
  /** Key for callgate's own signed links (join tokens). */
  signingSecret: string;
  /** The token cipher (AES-GCM, key ids) for anything the module stores encrypted. */
  tokenCipher: TokenCipher;
  /** Per-user OAuth tokens for a provider declaring `oauth` (SPEC §5); the generic service provides it. */
  userTokens(spec: OAuthSpec): UserTokens;
  /** Acts on each signed webhook delivery once, across replicas (SPEC §9). */
  deliveries: DeliveryGuard;
  /**
   * Where addresses an organization sets may lead (SPEC §9): check them when set
   * (`refusalOf`) and pass the policy to `upstreamRequest` when connecting to them.
   * Addresses from the module's own settings (the operator's) are trusted.
   */
  addressPolicy: AddressPolicy;
}

/**
 * An organization setting a module adds to `GET/PATCH /api/v1/orgs/{org}/settings`
 * (e.g. Jitsi's `jitsi_server_url`). Stored per org by name; null means "the server's".
 */
export interface OrgSettingField {
  /** Wire name in the settings body and in `OrgContext.fields`, e.g. `jitsi_server_url`. */
  name: string;
  /** PATCH input: validates and normalises a value; null resets to the server's. Failures are 400 naming `name`. */
  input: z.ZodType<string | null>;
  /** Read-only companion in the GET answer, e.g. `server_jitsi_server_url` and its value. */
  serverValue?: { name: string; value: string | null };
  /** OpenAPI/summary text of the field. */
  description: string;
}

/** One line `npm run check-config` prints under a module, e.g. "webhook: configured". */
export interface ConfigLine {
  label: string;
  value: string;
}

/** A simulator's answer: settings pointed at it, and the router mounted at `mountPath`. */
export interface Simulated<Settings> {
  settings: Settings;
  router: Router;
  /** Provider ids now served by the simulator. */
  providerIds: string[];
}

/** What a module's `simulator.ts` exports (loaded with a dynamic `import()` in local mode only). */
export interface SimulatorModule<Settings> {
  /**
   * Returns settings pointing at an in-process simulator for whatever the real settings
   * leave unconfigured, or null when nothing needs simulating. `baseUrl` is
   * `{PUBLIC_URL}{mountPath}`; `publicUrl` is callgate's own, e.g. for redirect URLs.
   */
  simulate(
    settings: Settings,
    where: { mountPath: string; baseUrl: string; publicUrl: string },
  ): Simulated<Settings> | null;
}

/** A built module: its providers and what they need served. */
export interface BuiltModule {
  /** One or more providers (e.g. `zoom` and `zoom_server_to_server`). */
  providers: Provider[];
  /** Its HTTP routes (join links, webhooks, ...); they drive Express and OpenAPI. */
  routes?: RouteEntry[];
  /** Its organization settings fields. */
  orgSettings?: OrgSettingField[];
}

/** A provider family's module. `Settings` is what its schema produces. */
export interface ProviderModule<Key extends string = string, Settings = unknown, Secret extends string = string> {
  /** Config key and folder name, e.g. `zoom`: `config[key]` holds the parsed settings. */
  readonly key: Key;
  /** Every provider id the module may build, e.g. `['zoom', 'zoom_server_to_server']`. */
  readonly ids: readonly string[];
  /** Names the module reads from the `[secrets]` section (unknown names there are refused). */
  readonly secretNames: readonly Secret[];
  /** Of `secretNames`: those local mode generates at random on first start. */
  readonly localSecretNames?: readonly Secret[];
  /** Parses a SettingsSource into the module's settings; `type Config` is inferred from it. */
  readonly settings: z.ZodType<Settings>;
  /** Builds the providers, routes and org settings fields from the settings. */
  create(settings: Settings, core: CoreContext): BuiltModule;
  /** Extra lines for `npm run check-config` (availability is printed by the core). */
  configLines?(settings: Settings): ConfigLine[];
  /** The simulator, as `() => import('./simulator.js')`; called in local mode only. */
  simulator?(): Promise<SimulatorModule<Settings>>;
}

/** Declares a module, keeping its key and settings types for the inferred Config. */
export function defineProviderModule<Key extends string, Settings, Secret extends string>(
  module: ProviderModule<Key, Settings, Secret>,
): ProviderModule<Key, Settings, Secret> {
  return module;
}

/** The settings type of a module. */
export type SettingsOf<M> = M extends ProviderModule<string, infer Settings, string> ? Settings : never;
