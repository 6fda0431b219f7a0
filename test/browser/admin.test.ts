import { describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  axeViolations,
  openPage,
  screenshot,
  signIn,
  tabTo,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

/** Opens the admin page the way a demo user does: through the demo's link. */
async function openAdmin(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Organization call settings' }).click();
  await page.waitForURL('**/calls/admin');
  await page.locator('#provider-jitsi_meet').waitFor();
}

async function startCall(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Start video call' }).click();
  await page.locator('#call-status[data-tone]').waitFor();
  // The status is in the shadow root of <callgate-call-button>.
  await page.waitForFunction(
    () =>
      document.querySelector('callgate-call-button')?.shadowRoot?.querySelector('#call-status')?.textContent !==
      'Starting a video call…',
  );
  return (await page.locator('#call-status').textContent()) ?? '';
}

describe('the /calls/admin page in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('when an admin turns calls off and on again, then the demo shows CALLS_DISABLED, then calls work', async () => {
    const admin = await openPage(browser);
    await signIn(admin.page, server, { org: 'globex', userId: 'a1', name: 'Ada Admin', role: 'admin' });
    expect(await startCall(admin.page)).toBe('Call link posted.');
    await openAdmin(admin.page);
    const page = admin.page;

    expect(await page.locator('#provider-jitsi_meet').isChecked()).toBe(true);
    // Providers without settings cannot be chosen, and say why. Local mode simulates the
    // general Zoom app and BigBlueButton, so only the server-to-server Zoom app is left.
    expect(await page.locator('#provider-big_blue_button').isDisabled()).toBe(false);
    expect(await page.locator('#provider-zoom').isDisabled()).toBe(false);
    expect(await page.locator('#provider-zoom_server_to_server').isDisabled()).toBe(true);
    expect(await page.locator('#provider-zoom_server_to_server-reason').textContent()).toBe(
      'Not available: Zoom credentials have not been configured',
    );

    // A member's page loaded while calls were on.
    const member = await openPage(browser);
    await signIn(member.page, server, { org: 'globex', userId: 'm1', name: 'Max Member', role: 'member' });
    await member.page.getByRole('button', { name: 'Start video call' }).waitFor();

    await page.getByLabel('None: calls are turned off').check();
    await page.getByRole('button', { name: 'Save provider' }).click();
    await page.getByText('Saved: calls are turned off.').waitFor();
    await page.getByRole('cell', { name: 'video_chat_provider: jitsi_meet → disabled' }).waitFor();
    expect(await page.getByRole('cell', { name: 'Ada Admin (a1)' }).count()).toBe(1);

    expect(await startCall(member.page)).toBe('Video calls are disabled in this organization');
    expect(await member.page.locator('#call-status').getAttribute('data-tone')).toBe('error');
    expect(await member.page.locator('#messages li').count()).toBe(0);
    // The button then knows: it stays disabled, described by the reason, and a click starts nothing.
    await member.page.locator('#video-call[aria-disabled="true"]').waitFor();
    expect(await member.page.locator('#video-call').getAttribute('aria-describedby')).toBe('call-status');
    // A page loaded while calls are off offers no call at all, and says why.
    await member.page.reload();
    await member.page.getByText('Calls are turned off for this organization.').waitFor();
    expect(await member.page.locator('#video-call').getAttribute('aria-disabled')).toBe('true');
    await member.page.locator('#video-call').dispatchEvent('click');
    expect(await member.page.locator('#call-status').textContent()).toBe('Calls are turned off for this organization.');
    expect(await member.page.locator('#messages li').count()).toBe(0);

    await page.getByRole('radio', { name: 'Jitsi Meet', exact: true }).check();
    await page.getByRole('button', { name: 'Save provider' }).click();
    await page.getByText('Saved: calls now use Jitsi Meet.').waitFor();
    await member.page.reload();
    expect(await startCall(member.page)).toBe('Call link posted.');

    expect(admin.errors).toEqual([]);
    expect(member.errors).toEqual([]);
    await member.context.close();
    await admin.context.close();
  });

  test('when an admin enters bad Jitsi URLs, then the message is shown next to the field, and a good one saves', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'initech', userId: 'o1', name: 'Olga Owner', role: 'owner' });
    await openAdmin(page);
    const field = page.getByLabel('Jitsi server URL');
    expect(await page.locator('#jitsi-hint').textContent()).toContain('(https://meet.jit.si)');

    await field.fill('http://jitsi.example.com');
    await page.getByRole('button', { name: 'Save Jitsi server' }).click();
    await page
      .locator('#jitsi-error')
      .getByText(/^jitsi_server_url: /)
      .waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('jitsi-url');

    await field.fill('https://jitsi.example.com/team');
    await page.getByRole('button', { name: 'Save Jitsi server' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#jitsi-error').textContent()).toBe('');
    expect(await field.inputValue()).toMatch(/^https:\/\/jitsi\.example\.com\/team/);

    await field.fill('');
    await page.getByRole('button', { name: 'Save Jitsi server' }).click();
    await page.getByText("Saved: using this server's default.").waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when an admin tests the connection, then status, reason and detail are shown', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'initech', userId: 'o1', name: 'Olga Owner', role: 'owner' });
    await openAdmin(page);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .locator('#check-result')
      .getByText(/^Jitsi Meet: connection (OK\.|failed \(\w+\)\. .+)$/)
      .waitFor();

    await page.getByLabel('None: calls are turned off').check();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .locator('#check-result')
      .getByText(/choose a provider to test/)
      .waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when calls were made, then the chart shows them per provider and fills the other days with zero', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'umbrella', userId: 'u1', name: 'Uma Admin', role: 'admin' });
    for (let i = 0; i < 3; i += 1) expect(await startCall(page)).toBe('Call link posted.');
    await openAdmin(page);
    const today = new Date().toISOString().slice(0, 10);
    await page
      .locator('#stats > p')
      .getByText(/^3 calls from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(Jitsi Meet: 3\)\.$/)
      .waitFor();
    expect(await page.locator('#stats svg[role="img"] desc').textContent()).toMatch(/^3 calls/);
    expect(await page.locator('#stats svg rect').count()).toBe(1);

    await page.getByText('Show the numbers as a table').click();
    const rows = page.locator('#stats tbody tr');
    expect(await rows.count()).toBe(14);
    expect(await rows.last().locator('th').textContent()).toBe(today);
    expect(await rows.last().locator('td').allTextContents()).toEqual(['3', '3']);
    expect(await rows.first().locator('td').allTextContents()).toEqual(['0', '0']);
    await screenshot(page, 'admin');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when a member opens the page, then settings are read-only with a note, and a change is refused', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'globex', userId: 'm2', name: 'Mia Member', role: 'member' });
    await openAdmin(page);
    await page.locator('#read-only-note').waitFor();
    // The disabled fieldset disables every radio in it.
    expect(await page.locator('#provider-jitsi_meet').isDisabled()).toBe(true);
    expect(await page.locator('#provider-disabled').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save provider' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Jitsi server URL').isDisabled()).toBe(true);
    expect(await page.locator('#audit').count()).toBe(0);
    await screenshot(page, 'admin-member');

    // The server, not the page, is what refuses: try with the page's own token.
    const refused = await page.evaluate(async () => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="callgate-token"]')?.content ?? '';
      const response = await fetch('/api/v1/orgs/globex/settings', {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ video_chat_provider: 'disabled' }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    });
    expect(refused).toMatchObject({ status: 403, body: { result: 'error', code: 'FORBIDDEN' } });
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when only the keyboard is used, then an admin can choose a provider and save it', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'hooli', userId: 'k1', name: 'Kim Keys', role: 'admin' });
    await openAdmin(page);
    await tabTo(page, '#provider-jitsi_meet');
    // Arrow keys move within a radio group; unavailable providers are skipped.
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#provider-disabled').isChecked()).toBe(true);
    await tabTo(page, '#provider-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByText('Saved: calls are turned off.').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when axe-core checks the admin and member views, then it finds no violations', async () => {
    const admin = await openPage(browser, { bypassCSP: true });
    await signIn(admin.page, server, { org: 'globex', userId: 'a1', name: 'Ada Admin', role: 'admin' });
    await openAdmin(admin.page);
    await admin.page.locator('#audit table').waitFor();
    await admin.page.locator('#stats svg').waitFor();
    await admin.page.getByText('Show the numbers as a table').click();
    expect(await axeViolations(admin.page)).toEqual([]);

    const member = await openPage(browser, { bypassCSP: true });
    await signIn(member.page, server, { org: 'globex', userId: 'm3', name: 'Mo Member', role: 'member' });
    await openAdmin(member.page);
    expect(await axeViolations(member.page)).toEqual([]);
    await admin.context.close();
    await member.context.close();
  });
});
