/**
 * What a provider builds per organization credential set (an account-token cache, a client):
 * kept by the set's fingerprint, so a changed set gets a fresh entry and two organizations
 * never share one. Bounded: beyond `max` sets the least recently used goes.
 */

/** One organization's own set, as `credentialsFor` hands it out. */
export interface OwnCredentials {
  fields: Readonly<Record<string, string>>;
  fingerprint: string;
}

/** Per-credential-set instances. */
export interface CredentialCache<T> {
  /** The instance for this set, built on first use. */
  get(credentials: OwnCredentials): T;
}

/** Creates a cache that builds with `build`. */
export function createCredentialCache<T>(
  build: (fields: Readonly<Record<string, string>>) => T,
  max = 1000,
): CredentialCache<T> {
  const entries = new Map<string, T>();
  return {
    get({ fields, fingerprint }) {
      const found = entries.get(fingerprint);
      if (found !== undefined) {
        // Map order is insertion order: re-inserting marks it most recently used.
        entries.delete(fingerprint);
        entries.set(fingerprint, found);
        return found;
      }
      const built = build(fields);
      entries.set(fingerprint, built);
      if (entries.size > max) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return built;
    },
  };
}
