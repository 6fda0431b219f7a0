import { describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import {
  activeId,
  axeViolations,
  openPage,
  screenshot,
  signIn,
  tabTo,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

const JITSI_VIDEO = /^https:\/\/meet\.jit\.si\/[a-z0-9]{20}#config\.startWithVideoMuted=false$/;
const JITSI_VOICE = /^https:\/\/meet\.jit\.si\/[a-z0-9]{20}#config\.startWithVideoMuted=true$/;

describe('the /demo page in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('when local mode starts, then it prints the demo URL to open', () => {
    expect(server.stdout()).toContain(`${server.url}/demo`);
  });

  test('when a user signs in and starts a video call, then a Jitsi link is posted and the session cookie is set', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'acme', userId: '7', name: 'Grace Hopper', role: 'member' });
    await expect(page.locator('#who').textContent()).resolves.toBe('Signed in as Grace Hopper (member) in acme.');

    await page.getByRole('button', { name: 'Start video call' }).click();
    const link = page.locator('#messages a').first();
    await link.waitFor();
    expect(await link.textContent()).toBe('Join video call.');
    expect(await link.getAttribute('href')).toMatch(JITSI_VIDEO);
    expect(await page.locator('#call-status').textContent()).toBe('Call link posted.');

    const cookies = await context.cookies(`${server.url}/calls/admin`);
    expect(cookies.find((cookie) => cookie.name === 'callgate_session')).toMatchObject({
      httpOnly: true,
      path: '/calls',
      sameSite: 'Lax',
    });
    await screenshot(page, 'demo-chat');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when the page is reloaded, then the user stays signed in from sessionStorage', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: 'acme', userId: '8', name: 'Alan Turing', role: 'member' });
    await page.reload();
    await page.getByRole('heading', { name: '#general' }).waitFor();
    expect(await page.locator('#sign-in').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in as anyone' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when only the keyboard is used, then a user can sign in and start a voice call', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${server.url}/demo`);
    await tabTo(page, '#org');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('keyboard-org');
    await tabTo(page, '#display-name');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Kay Board');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '#general' }).waitFor();
    // Focus moved to the chat, so the user continues from there.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('chat-title');

    await tabTo(page, '#voice-call');
    await page.keyboard.press('Enter');
    const voice = page.locator('#messages a').first();
    await voice.waitFor();
    expect(await voice.textContent()).toBe('Join voice call.');
    expect(await voice.getAttribute('href')).toMatch(JITSI_VOICE);

    await page.keyboard.press('Shift+Tab');
    expect(await activeId(page)).toBe('video-call');
    await page.keyboard.press('Space');
    await page.locator('#messages a').nth(1).waitFor();
    expect(await page.locator('#messages a').nth(1).textContent()).toBe('Join video call.');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when the sign-in is invalid, then the error message is shown as text and the field gets focus', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${server.url}/demo`);
    await page.getByLabel('Organization').fill('Not An Org');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(
      page
        .locator('#sign-in-status')
        .getByText(/^org: /)
        .waitFor(),
    ).resolves.toBeUndefined();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('org');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when axe-core checks both states of /demo, then it finds no violations', async () => {
    const { context, page, errors } = await openPage(browser, { bypassCSP: true });
    await page.goto(`${server.url}/demo`);
    await screenshot(page, 'demo-sign-in');
    expect(await axeViolations(page)).toEqual([]);
    await signIn(page, server, { org: 'acme', userId: '10', name: 'Axe Checker', role: 'admin' });
    await page.getByRole('button', { name: 'Start video call' }).click();
    await page.locator('#messages a').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
