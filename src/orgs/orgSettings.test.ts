import { describe, expect, test } from '@jest/globals';
import { ProviderRegistry } from '../providers/registry.js';
import type { OrgSettingsRepository } from '../store/types.js';
import { ORG_SETTINGS_CACHE_LIMIT, OrgSettingsService } from './orgSettings.js';

/** A repository with no stored settings that counts its reads. */
function countingRepository(): OrgSettingsRepository & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async get(org) {
      reads.push(org);
      return null;
    },
    async save() {
      throw new Error('not used');
    },
    onChanged() {},
  };
}

describe('org settings cache', () => {
  test('when more organizations than the limit are read, then the oldest is dropped and the rest stay cached', async () => {
    const store = countingRepository();
    const service = new OrgSettingsService({ store, registry: new ProviderRegistry([]), fields: [] });
    for (let i = 0; i <= ORG_SETTINGS_CACHE_LIMIT; i++) await service.get(`org-${i}`);
    expect(store.reads).toHaveLength(ORG_SETTINGS_CACHE_LIMIT + 1);
    await service.get(`org-${ORG_SETTINGS_CACHE_LIMIT}`);
    await service.get('org-1');
    expect(store.reads).toHaveLength(ORG_SETTINGS_CACHE_LIMIT + 1);
    await service.get('org-0');
    expect(store.reads).toHaveLength(ORG_SETTINGS_CACHE_LIMIT + 2);
  });
});
