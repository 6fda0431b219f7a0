/** `npm run check-config` names the organizations with their own credentials, never a value (SPEC §10). */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import { ROOT } from './support/process.js';

const audit = (org: string) => ({
  org,
  actorUserId: 'o',
  actorName: 'Olga',
  action: 'credentials.update',
  changes: {},
});
const row = (org: string, provider: string, ciphertext: string | null) => ({
  org,
  provider,
  keyId: ciphertext === null ? null : 'k1',
  ciphertext,
  updatedAt: 1,
  updatedByUserId: 'o',
  updatedByName: 'Olga',
});

function checkConfig(cwd: string, env: Record<string, string>): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [`${ROOT}dist/cli/checkConfig.js`], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('check-config and organization credentials', () => {
  test('when organizations have their own credentials, then check-config names them and their providers, no values', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'callgate-cli-creds-'));
    const databaseUrl = `sqlite:${join(cwd, 'db.sqlite')}`;
    const store = await openStore(databaseUrl);
    await store.orgCredentials.save(row('acme', 'zoom_server_to_server', 'sealed-value-acme-zoom'), audit('acme'));
    await store.orgCredentials.save(row('acme', 'big_blue_button', 'sealed-value-acme-bbb'), audit('acme'));
    await store.orgCredentials.save(row('globex', 'big_blue_button', null), audit('globex'));
    await store.close();

    const on = checkConfig(cwd, { DATABASE_URL: databaseUrl });
    expect(on.status).toBe(0);
    const stdout = String(on.stdout);
    expect(stdout).toContain('organization credentials: on, 2 organization(s) with their own\n');
    expect(stdout).toContain('  acme: big_blue_button, zoom_server_to_server\n');
    expect(stdout).toContain('  globex: big_blue_button (removed while selected)\n');
    expect(stdout).not.toContain('sealed-value');

    const off = checkConfig(cwd, { DATABASE_URL: databaseUrl, ORG_CREDENTIALS: 'off' });
    expect(String(off.stdout)).toContain('organization credentials: off');
    expect(String(off.stdout)).not.toContain('acme:');

    const bad = checkConfig(cwd, { DATABASE_URL: databaseUrl, ORG_CREDENTIALS: 'maybe' });
    expect(bad.status).not.toBe(0);
    expect(String(bad.stderr)).toMatch(/ORG_CREDENTIALS: must be on or off/);
  });
});
