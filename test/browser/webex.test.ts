/**
 * Webex end to end in local mode: the demo, callgate's 403, the popup on the in-process Webex
 * simulator's Allow/Deny page, callgate's completion page, and the retried call that posts a
 * Webex link (a public room plus an ad-hoc meeting in the simulator).
 */
import { describe, expect, test } from '@jest/globals';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import {
  chooseProvider,
  openPage,
  recordErrors,
  screenshot,
  signIn,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

const ORG = 'webexco';
const WAITING = 'Webex needs your permission first: finish in the window that opened, and the call starts.';
const DENIED = 'Webex was not connected, so no call was started. Retry in the Webex window, or start the call again.';

/** Every create-call answer the page receives, in order. */
function recordCallAnswers(page: Page): Response[] {
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
  await popup.getByRole('heading', { name: 'Webex (simulated): allow callgate?' }).waitFor();
  return popup;
}

describe('Webex authorization from /demo in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  let joinUrl: RegExp;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    joinUrl = new RegExp(`^${server.url.replace(/\./g, '\\.')}/_simulators/webex/meet/[0-9a-f]{32}$`);
    await chooseProvider(browser, server, { org: ORG, provider: 'webex', name: 'Webex' });
  });

  test('when a user allows callgate in the Webex popup, then the popup closes and the retried call posts a Webex link', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: ORG, userId: 'w1', name: 'Wendy Webex', role: 'member' });
    const answers = recordCallAnswers(page);

    const popup = await startCallIntoPopup(context, page, errors);
    expect(await page.locator('#call-status').textContent()).toBe(WAITING);
    expect(answers.map((answer) => answer.status())).toEqual([403]);
    expect(await answers[0]?.json()).toMatchObject({
      code: 'PROVIDER_AUTHORIZATION_REQUIRED',
      provider: 'webex',
      authorize_url: `${server.url}/calls/webex/register`,
    });
    // callgate's /calls/webex/register sent the popup on to Webex with the scopes, state and PKCE.
    const authorize = new URL(popup.url());
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${server.url}/_simulators/webex/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/calls/webex/complete`);
    expect(authorize.searchParams.get('scope')).toBe('meeting:schedules_read meeting:schedules_write spark:all');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    await screenshot(popup, 'webex-authorize');

    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Allow' }).click();
    await closed;

    const link = page.locator('#messages a').first();
    await link.waitFor();
    expect(await link.textContent()).toBe('Join video call.');
    expect(await link.getAttribute('href')).toMatch(joinUrl);
    await page.waitForTimeout(200);
    expect(answers.map((answer) => answer.status())).toEqual([403, 200]);
    expect(await answers[1]?.json()).toMatchObject({ provider: 'webex', is_video_call: true });

    // The posted link opens the (simulated) meeting.
    const meetingOpened = context.waitForEvent('page');
    await link.click();
    const meeting = await meetingOpened;
    await meeting.getByRole('heading', { name: /^Webex meeting [0-9a-f]{32} \(simulated\)$/ }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when a user denies callgate in the Webex popup, then the popup explains and the demo posts no link', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: ORG, userId: 'w2', name: 'Dee Nied', role: 'member' });
    const popup = await startCallIntoPopup(context, page, errors);

    const denied = popup.waitForResponse((response) => response.url().includes('/calls/webex/complete?'));
    await popup.getByRole('button', { name: 'Deny' }).click();
    expect((await denied).status()).toBe(400);
    await popup.getByRole('heading', { name: 'Webex was not connected' }).waitFor();
    await screenshot(popup, 'webex-denied');

    await page.locator('#call-status').getByText(DENIED).waitFor();
    expect(await page.locator('#messages li').count()).toBe(0);
    expect(popup.isClosed()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
