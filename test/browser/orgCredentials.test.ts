/**
 * The owner's own-provider-accounts form on /calls/admin (SPEC §10), in local mode: a live
 * test before saving, errors beside the field, secrets shown as set (never their value) and
 * kept when left empty, and the provider then used for calls.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  startBigBlueButtonSimulator,
  type RunningBigBlueButtonSimulator,
} from '../../src/providers/bigbluebutton/simulator.js';
import { axeViolations, openPage, screenshot, signIn, type LocalServer, useLocalModeBrowser } from './support.js';

const OWN_SECRET = 'own-bbb-secret-of-umbrella-4d2c';

async function openAdmin(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Organization call settings' }).click();
  await page.waitForURL('**/calls/admin');
  await page.locator('#provider-jitsi_meet').waitFor();
}

describe('the owner’s own provider accounts on /calls/admin', () => {
  let server: LocalServer;
  let browser: Browser;
  let bbb: RunningBigBlueButtonSimulator;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });
  beforeAll(async () => {
    // The organization's own BigBlueButton, on loopback (allowed in local mode).
    bbb = await startBigBlueButtonSimulator({ secret: OWN_SECRET });
  });
  afterAll(async () => bbb.close());

  test('when the owner tests, fixes and saves BigBlueButton credentials, then the connection test reaches the org’s own server', async () => {
    const { context, page, errors } = await openPage(browser, { bypassCSP: true });
    await signIn(page, server, { org: 'umbrella', userId: 'o1', name: 'Olga Owner', role: 'owner' });
    await openAdmin(page);
    const form = page.locator('#cred-big_blue_button');
    await form.getByText("Not set: this provider uses the server's account, if it has one.").waitFor();
    expect(await form.getByLabel('Checksum algorithm').inputValue()).toBe('sha256');
    // Jitsi's form shows the fields of the chosen kind only.
    const jitsi = page.locator('#cred-jitsi_meet');
    expect(await jitsi.getByLabel('App secret').isVisible()).toBe(true);
    expect(await jitsi.getByLabel('Private key (PEM)').isVisible()).toBe(false);
    await jitsi.getByLabel('Kind').selectOption('jaas');
    expect(await jitsi.getByLabel('App secret').isVisible()).toBe(false);
    expect(await jitsi.getByLabel('Private key (PEM)').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // A URL that is not one: the message sits next to the field, nothing is saved.
    await form.getByLabel('Server URL').fill('ftp://bbb.example.com');
    await form.getByLabel('Shared secret').fill('anything');
    await form.getByRole('button', { name: 'Test and save' }).click();
    await page
      .locator('#cred-big_blue_button-url-error')
      .getByText(/^url: must use https/)
      .waitFor();
    expect(await form.getByLabel('Server URL').getAttribute('aria-invalid')).toBe('true');

    // The right server with a wrong secret: the live test says why, nothing is saved.
    await form.getByLabel('Server URL').fill(bbb.url);
    await form.getByLabel('Shared secret').fill('not-the-secret');
    await form.getByRole('button', { name: 'Test these credentials' }).click();
    await form.getByText(/^Connection failed \(bad_secret\)/).waitFor();
    await form.getByRole('button', { name: 'Test and save' }).click();
    await form.getByText(/Not saved\.$/).waitFor();
    expect(await form.getByLabel('Server URL').getAttribute('aria-invalid')).toBeNull();

    await form.getByLabel('Shared secret').fill(OWN_SECRET);
    await form.getByRole('button', { name: 'Test and save' }).click();
    await form.getByText('Saved: calls with this provider now use your own account.').waitFor();
    await form.getByText(/^Your own account is in use, set by Olga Owner/).waitFor();
    expect(await form.getByLabel('Shared secret').inputValue()).toBe('');
    expect(await page.locator('#cred-big_blue_button-secret-secret').textContent()).toBe(
      'Set. Leave empty to keep it.',
    );
    await page.getByRole('cell', { name: /BigBlueButton secret: not set → replaced/ }).waitFor();
    await screenshot(page, 'admin-own-credentials');

    // After a reload nothing secret is on the page; saving with the secret left empty keeps it.
    await page.reload();
    await form.getByText(/^Your own account is in use/).waitFor();
    expect(await form.getByLabel('Server URL').inputValue()).toBe(bbb.url);
    expect(await page.content()).not.toContain(OWN_SECRET);
    await form.getByLabel('Checksum algorithm').selectOption('sha512');
    await form.getByRole('button', { name: 'Test and save' }).click();
    await form.getByText('Saved: calls with this provider now use your own account.').waitFor();

    await page.getByRole('radio', { name: 'BigBlueButton', exact: true }).check();
    await page.getByRole('button', { name: 'Save provider' }).click();
    await page.getByText('Saved: calls now use BigBlueButton.').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('BigBlueButton: connection OK.').waitFor();
    // The connection test reached the org's own server, signed with its secret and sha512.
    const last = bbb.sim.state.requests.at(-1);
    expect(last).toMatchObject({ call: 'getMeetings', checksumValid: true });
    expect(last?.rawQuery ?? '').not.toContain(OWN_SECRET);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when an admin who is not the owner opens the page, then the accounts are read-only and show no secret', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'umbrella', userId: 'a1', name: 'Ada Admin', role: 'admin' });
    await openAdmin(page);
    const summary = page.locator('#cred-big_blue_button');
    await summary.getByText(/^Your own account is in use/).waitFor();
    expect(await summary.locator('dd').allTextContents()).toEqual([bbb.url, 'sha512']);
    expect(await page.locator('form[data-credentials-provider]').count()).toBe(0);
    expect(await page.getByText('Only the owner of umbrella can change these.').count()).toBe(1);
    expect(await page.content()).not.toContain(OWN_SECRET);
    expect(errors).toEqual([]);
    await context.close();
  });
});
