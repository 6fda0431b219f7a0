/**
 * Local mode (SPEC §8) offers Nextcloud Talk and Constructor Groups with no account anywhere:
 * the real process on a fresh checkout, its in-process simulators checking what the real
 * servers check (Basic auth and OCS-APIRequest; the hashed key), a call with each, and the
 * admin's connection check.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/auth/identity.js';
import { parseSecrets } from '../src/config/secrets.js';
import { startService } from './support/process.js';

describe('local mode', () => {
  test('when nothing is configured, then Nextcloud Talk and Constructor Groups are available through simulators and create calls', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'callgate-local-'));
    const service = await startService({ cwd });
    try {
      const secrets = parseSecrets(readFileSync(join(cwd, 'data', 'local-secrets.conf'), 'utf8'), 'local');
      const admin = mintToken(secrets['auth_jwt_secret'] ?? '', {
        org: 'acme',
        userId: '7',
        role: 'admin',
        name: 'Ada',
        email: 'ada@acme.example',
      });
      const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const listed = (await (await fetch(`${service.url}/api/v1/providers`, { headers })).json()) as {
        providers: { id: string; available: boolean }[];
      };
      for (const id of ['nextcloud_talk', 'constructor_groups']) {
        expect(listed.providers).toEqual(expect.arrayContaining([expect.objectContaining({ id, available: true })]));
      }

      for (const [provider, page] of [
        ['nextcloud_talk', /Nextcloud Talk simulator/],
        ['constructor_groups', /Constructor Groups simulator/],
      ] as const) {
        const patched = await fetch(`${service.url}/api/v1/orgs/acme/settings`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ video_chat_provider: provider }),
        });
        expect(patched.status).toBe(200);
        const created = await fetch(`${service.url}/api/v1/calls`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ is_video_call: false, meeting_name: 'demo' }),
        });
        const call = (await created.json()) as Record<string, unknown>;
        expect(call).toMatchObject({ result: 'success', provider, is_video_call: true });
        const url = String(call['url']);
        expect(url.startsWith(`${service.url}/_simulators/`)).toBe(true);
        const opened = await fetch(url);
        expect(opened.status).toBe(200);
        expect(await opened.text()).toMatch(page);

        const checked = await fetch(`${service.url}/api/v1/orgs/acme/providers/${provider}/check`, {
          method: 'POST',
          headers,
        });
        expect(await checked.json()).toMatchObject({ result: 'success', status: 'ok' });
      }
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });
});
