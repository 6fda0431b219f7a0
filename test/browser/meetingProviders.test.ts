/**
 * Google Meet and Microsoft Teams end to end in local mode: the demo, callgate's 403, the
 * popup on the in-process simulator's sign-in page, callgate's completion page, and the
 * retried call; denied consent; and a personal Microsoft account refused at sign-in.
 */
import { describe, expect, test } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  chooseProvider,
  openPage,
  recordErrors,
  screenshot,
  signIn,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

interface BrowserCase {
  id: 'google_meet' | 'microsoft_teams';
  name: string;
  org: string;
  /** Heading of the simulator's sign-in page. */
  signInHeading: string;
  /** Path (after the simulator's mount path) of the provider's authorize endpoint. */
  authorizePath: string;
  scope: string;
  /** Path (after the mount path) of a created meeting. */
  meetingPath: RegExp;
  meetingHeading: RegExp;
}

const CASES: BrowserCase[] = [
  {
    id: 'google_meet',
    name: 'Google Meet',
    org: 'meetco',
    signInHeading: 'Google (simulated): allow callgate?',
    authorizePath: '/o/oauth2/v2/auth',
    scope: 'https://www.googleapis.com/auth/meetings.space.created',
    meetingPath: /\/meet\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/,
    meetingHeading: /^Google Meet [a-z]{3}-[a-z]{4}-[a-z]{3} \(simulated\)$/,
  },
  {
    id: 'microsoft_teams',
    name: 'Microsoft Teams',
    org: 'teamsco',
    signInHeading: 'Microsoft (simulated): allow callgate?',
    authorizePath: '/organizations/oauth2/v2.0/authorize',
    scope: 'offline_access OnlineMeetings.ReadWrite',
    meetingPath: /\/l\/meetup-join\/19%3ameeting_[A-Za-z0-9_-]+%40thread\.v2\/0$/,
    meetingHeading: /^Microsoft Teams meeting \(simulated\)$/,
  },
];

/** Clicks "Start video call" and returns the authorization popup once it shows the simulator's page. */
async function startCallIntoPopup(
  context: BrowserContext,
  page: Page,
  errors: string[],
  heading: string,
): Promise<Page> {
  const opened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Start video call' }).click();
  const popup = await opened;
  recordErrors(popup, errors);
  await popup.getByRole('heading', { name: heading }).waitFor();
  return popup;
}

describe('Google Meet and Microsoft Teams from /demo in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    for (const provider of CASES) {
      await chooseProvider(browser, server, { org: provider.org, provider: provider.id, name: provider.name });
    }
  });

  describe.each(CASES)('$name', (provider) => {
    test('when a user allows callgate in the popup, then the popup closes and the retried call posts the meeting link', async () => {
      const { context, page, errors } = await openPage(browser);
      await signIn(page, server, { org: provider.org, userId: 'a1', name: 'Ada Allow', role: 'member' });
      const popup = await startCallIntoPopup(context, page, errors, provider.signInHeading);
      // callgate's register sent the popup on with state, PKCE and the provider's scope.
      const authorize = new URL(popup.url());
      expect(authorize.origin).toBe(server.url);
      expect(authorize.pathname.endsWith(provider.authorizePath)).toBe(true);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/calls/${provider.id}/complete`);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('scope')).toBe(provider.scope);
      await screenshot(popup, `${provider.id}-authorize`);

      const closed = popup.waitForEvent('close');
      await popup.getByRole('button', { name: 'Allow' }).click();
      await closed;

      const link = page.locator('#messages a').first();
      await link.waitFor();
      const href = (await link.getAttribute('href')) ?? '';
      expect(new URL(href).origin).toBe(server.url);
      expect(href).toMatch(provider.meetingPath);

      // The posted link opens the (simulated) meeting.
      const meetingOpened = context.waitForEvent('page');
      await link.click();
      const meeting = await meetingOpened;
      await meeting.getByRole('heading', { name: provider.meetingHeading }).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });

    test('when a user denies callgate in the popup, then the popup explains and offers a retry, and no link is posted', async () => {
      const { context, page, errors } = await openPage(browser, { bypassCSP: true });
      await signIn(page, server, { org: provider.org, userId: 'd1', name: 'Dee Nied', role: 'member' });
      const popup = await startCallIntoPopup(context, page, errors, provider.signInHeading);
      const denied = popup.waitForResponse((response) => response.url().includes(`/calls/${provider.id}/complete?`));
      await popup.getByRole('button', { name: 'Deny' }).click();
      expect((await denied).status()).toBe(400);
      await popup.getByRole('heading', { name: `${provider.name} was not connected` }).waitFor();
      expect(await popup.locator('main p').first().textContent()).toBe(
        `${provider.name} did not authorize callgate (the request was declined)`,
      );
      await screenshot(popup, `${provider.id}-denied`);
      expect(await axeViolations(popup)).toEqual([]);
      expect(await page.locator('#messages li').count()).toBe(0);
      expect(popup.isClosed()).toBe(false);

      // The retry link starts over at the provider; allowing this time still starts the call.
      await popup.getByRole('link', { name: `Connect ${provider.name} again` }).click();
      await popup.getByRole('heading', { name: provider.signInHeading }).waitFor();
      const closed = popup.waitForEvent('close');
      await popup.getByRole('button', { name: 'Allow' }).click();
      await closed;
      await page.locator('#messages a').first().waitFor();
      expect(await page.locator('#messages a').first().getAttribute('href')).toMatch(provider.meetingPath);
      expect(errors).toEqual([]);
      await context.close();
    });
  });

  test('when a personal Microsoft account is chosen, then the popup says to use a work or school account', async () => {
    const teams = CASES[1] as BrowserCase;
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: teams.org, userId: 'p1', name: 'Pat Personal', role: 'member' });
    const popup = await startCallIntoPopup(context, page, errors, teams.signInHeading);
    await popup.getByLabel(/personal account/).check();
    await popup.getByRole('button', { name: 'Allow' }).click();
    await popup.getByRole('heading', { name: 'Microsoft Teams was not connected' }).waitFor();
    expect(await popup.locator('main p').first().textContent()).toBe(
      'Personal Microsoft accounts (outlook.com, hotmail.com, live.com) cannot create Teams meetings. Sign in with your work or school account.',
    );
    await screenshot(popup, 'microsoft_teams-personal');
    expect(await page.locator('#messages li').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
