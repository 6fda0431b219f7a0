/**
 * The general Zoom OAuth app end to end in local mode: the demo, callgate's 403, the popup
 * on the in-process Zoom simulator's authorize page, callgate's completion page, and the
 * retried call. Nothing is faked in the browser except, in the axe test, window.close.
 */
import { describe, expect, test } from '@jest/globals';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import {
  axeViolations,
  chooseProvider,
  focusIs,
  openPage,
  recordErrors,
  screenshot,
  signIn,
  tabTo,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

const ORG = 'zoomco';
const WAITING = 'Zoom needs your permission first: finish in the window that opened, and the call starts.';
const DENIED = 'Zoom was not connected, so no call was started. Retry in the Zoom window, or start the call again.';

/** Statuses of every create-call answer the page receives, in order. */
function recordCallStatuses(page: Page): Response[] {
  const answers: Response[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/calls') && response.request().method() === 'POST') answers.push(response);
  });
  return answers;
}

/** Clicks "Start video call" and returns the authorization popup once it shows the simulator's page. */
async function startCallIntoPopup(context: BrowserContext, page: Page, errors: string[]): Promise<Page> {
  const opened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Start video call' }).click();
  const popup = await opened;
  recordErrors(popup, errors);
  await popup.getByRole('heading', { name: 'Zoom (simulated): allow callgate?' }).waitFor();
  return popup;
}

describe('Zoom authorization from /demo in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  let joinUrl: RegExp;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    joinUrl = new RegExp(`^${server.url.replace(/\./g, '\\.')}/_simulators/zoom/j/\\d{11}\\?pwd=[0-9a-f]{8}$`);
    await chooseProvider(browser, server, { org: ORG, provider: 'zoom', name: 'Zoom' });
  });

  test('when a user allows callgate in the popup, then the popup closes and the retried call posts a Zoom link', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: ORG, userId: 'z1', name: 'Zoe Zoom', role: 'member' });
    const answers = recordCallStatuses(page);

    const popup = await startCallIntoPopup(context, page, errors);
    expect(await page.locator('#call-status').textContent()).toBe(WAITING);
    expect(answers.map((answer) => answer.status())).toEqual([403]);
    expect(await answers[0]?.json()).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      authorize_url: `${server.url}/calls/zoom/register`,
    });
    // callgate's /calls/zoom/register sent the popup on to Zoom with state and PKCE.
    const authorize = new URL(popup.url());
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${server.url}/_simulators/zoom/oauth/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/calls/zoom/complete`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^\S{16,}$/);
    // The simulated Zoom names who signed in on the demo, not a fixed user.
    expect(authorize.searchParams.get('login_hint')).toBe('z1@zoomco.example');
    await popup.getByText('callgate would like to create meetings as z1@zoomco.example.').waitFor();
    await screenshot(popup, 'zoom-authorize');

    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Allow' }).click();
    await closed;

    const link = page.locator('#messages a').first();
    await link.waitFor();
    expect(await link.textContent()).toBe('Join video call.');
    expect(await link.getAttribute('href')).toMatch(joinUrl);
    expect(await page.locator('#call-status').textContent()).toBe('Call link posted.');
    // Both channels reported success; the call was retried once, not twice.
    await page.waitForTimeout(200);
    expect(answers.map((answer) => answer.status())).toEqual([403, 200]);
    expect(await page.locator('#messages li').count()).toBe(1);

    // Authorized once: the next call needs no popup.
    let popups = 0;
    context.on('page', () => (popups += 1));
    await page.getByRole('button', { name: 'Start video call' }).click();
    await page.locator('#messages a').nth(1).waitFor();
    expect(await page.locator('#messages a').nth(1).getAttribute('href')).toMatch(joinUrl);
    expect(await page.locator('#messages a').nth(1).getAttribute('href')).not.toBe(await link.getAttribute('href'));
    expect(popups).toBe(0);

    // The posted link opens the (simulated) meeting.
    const meetingOpened = context.waitForEvent('page');
    await link.click();
    const meeting = await meetingOpened;
    await meeting.getByRole('heading', { name: /^Zoom meeting \d{11} \(simulated\)$/ }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when a user denies callgate in the popup, then the popup explains and offers a retry, and the demo says so without a link', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: ORG, userId: 'z2', name: 'Dee Nied', role: 'member' });
    const popup = await startCallIntoPopup(context, page, errors);

    const denied = popup.waitForResponse((response) => response.url().includes('/calls/zoom/complete?'));
    await popup.getByRole('button', { name: 'Deny' }).click();
    expect((await denied).status()).toBe(400);
    await popup.getByRole('heading', { name: 'Zoom was not connected' }).waitFor();
    expect(await popup.locator('main p').allTextContents()).toEqual([
      'Zoom did not authorize callgate (the request was declined)',
      'Start again to connect your Zoom account. If it keeps failing, tell your administrator.',
      'Connect Zoom again',
    ]);
    await screenshot(popup, 'zoom-denied');

    await page.locator('#call-status').getByText(DENIED).waitFor();
    expect(await page.locator('#call-status').getAttribute('data-tone')).toBe('error');
    expect(await page.locator('#call-status a').count()).toBe(0);
    expect(await page.locator('#messages li').count()).toBe(0);
    expect(popup.isClosed()).toBe(false);

    // The popup's retry link starts over at Zoom; allowing this time still starts the call.
    await popup.getByRole('link', { name: 'Connect Zoom again' }).click();
    await popup.getByRole('heading', { name: 'Zoom (simulated): allow callgate?' }).waitFor();
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Allow' }).click();
    await closed;
    const link = page.locator('#messages a').first();
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(joinUrl);
    expect(await page.locator('#call-status').textContent()).toBe('Call link posted.');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when only the keyboard is used, then the popup can be allowed and focus stays usable on the demo afterwards', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: ORG, userId: 'z3', name: 'Kay Board', role: 'member' });
    await tabTo(page, '#video-call');
    const opened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const popup = await opened;
    recordErrors(popup, errors);
    await popup.getByRole('heading', { name: 'Zoom (simulated): allow callgate?' }).waitFor();
    await tabTo(popup, 'button[value="allow"]');
    const closed = popup.waitForEvent('close');
    await popup.keyboard.press('Enter');
    await closed;

    await page.locator('#messages a').first().waitFor();
    // Focus is where the user left it, and Tab moves freely in both directions.
    expect(await focusIs(page, '#video-call')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusIs(page, '#meeting-name')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusIs(page, '#messages a')).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusIs(page, '#voice-call')).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('#messages a').nth(1).waitFor();
    expect(await page.locator('#messages a').nth(1).textContent()).toBe('Join voice call.');
    expect(await page.locator('#messages a').nth(1).getAttribute('href')).toMatch(joinUrl);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when axe-core checks the popup pages of callgate, then it finds no violations', async () => {
    const { context, page, errors } = await openPage(browser, { bypassCSP: true });
    // Keeps the completion page open to inspect it; records that it asked to close.
    await context.addInitScript(() => {
      window.close = () => document.documentElement.setAttribute('data-close-requested', 'true');
    });
    await signIn(page, server, { org: ORG, userId: 'z4', name: 'Axe Checker', role: 'member' });
    const popup = await startCallIntoPopup(context, page, errors);
    await popup.getByRole('button', { name: 'Deny' }).click();
    await popup.getByRole('heading', { name: 'Zoom was not connected' }).waitFor();
    expect(await axeViolations(popup)).toEqual([]);

    await popup.getByRole('link', { name: 'Connect Zoom again' }).click();
    await popup.getByRole('button', { name: 'Allow' }).click();
    await popup.getByRole('heading', { name: 'Zoom connected' }).waitFor();
    expect(await popup.locator('html').getAttribute('data-close-requested')).toBe('true');
    await screenshot(popup, 'zoom-complete');
    expect(await axeViolations(popup)).toEqual([]);
    await page.locator('#messages a').first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
