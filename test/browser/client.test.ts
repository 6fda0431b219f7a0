/**
 * The browser client and `<callgate-call-button>` on a chat page of ANOTHER SITE: the
 * README's integration page, served from http://localhost:<port> while callgate runs local
 * mode at http://127.0.0.1:<port> with HOST_ORIGIN set to the page's origin. Chromium's own
 * popup blocker is on. Nothing in the browser is faked: the popup goes through callgate's
 * ticket, the simulated provider's authorize page and callgate's completion page.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import {
  axeViolations,
  chooseProvider,
  focusIs,
  freePort,
  openPage,
  recordErrors,
  screenshot,
  tabTo,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

const README = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const hostPort = await freePort();
const HOST_ORIGIN = `http://localhost:${hostPort}`;

/** The README's integration section: its one HTML block, the whole page. */
function readmePage(callgateUrl: string): string {
  const section = README.slice(README.indexOf('## Integration'));
  const page = /```html\n([\s\S]*?)```/.exec(section)?.[1];
  if (!page) throw new Error('README has no integration page');
  return page.replaceAll('https://callgate.example', callgateUrl);
}

/** A provider with user authorization, as GET /api/v1/providers lists it. */
interface UserAuthProvider {
  id: string;
  name: string;
}

/** The chat site: the README page at `/`, and `/callgate-token` answering the signed-in user's token. */
class ChatSite {
  page = '';
  token = '';
  readonly #server: Server = createServer((req, res) => {
    if (req.url === '/callgate-token') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(this.token);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(this.page);
    } else {
      res.writeHead(404).end();
    }
  });
  listen(): Promise<void> {
    return new Promise((done) => this.#server.listen(hostPort, '127.0.0.1', done));
  }
  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((done) => this.#server.close(() => done()));
  }
}

/** Signs a user in the way the chat server would: a token from local mode's demo signer. */
async function tokenFor(server: LocalServer, org: string, userId: string, role = 'member'): Promise<string> {
  const response = await fetch(`${server.url}/demo/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org, user_id: userId, name: 'Casey Client', role }),
  });
  const body = (await response.json()) as { token: string };
  return body.token;
}

/** Turns an organization's calls off through the API, as an admin's script would. */
async function turnCallsOff(server: LocalServer, org: string): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/orgs/${org}/settings`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${await tokenFor(server, org, 'admin', 'admin')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ video_chat_provider: 'disabled' }),
  });
  expect(response.status).toBe(200);
}

const status = (page: Page) => page.locator('callgate-call-button #call-status');
const videoButton = (page: Page) => page.getByRole('button', { name: 'Start video call' });

/** Opens the chat page as `userId` of `org` and waits for the element to be ready. */
async function openChat(
  browser: Browser,
  site: ChatSite,
  server: LocalServer,
  user: { org: string; userId: string },
  options: { bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  site.token = await tokenFor(server, user.org, user.userId);
  const opened = await openPage(browser, options);
  await opened.page.goto(`${HOST_ORIGIN}/`);
  await opened.page.locator('callgate-call-button #video-call').waitFor();
  return opened;
}

/** Statuses of the create-call answers the page gets, in order. */
function callAnswers(page: Page): Response[] {
  const answers: Response[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/calls') && response.request().method() === 'POST') answers.push(response);
  });
  return answers;
}

/** Clicks "Start video call" and returns the popup once it shows the provider's authorize page. */
async function clickIntoPopup(context: BrowserContext, page: Page, errors: string[]): Promise<Page> {
  const opened = context.waitForEvent('page');
  await videoButton(page).click();
  const popup = await opened;
  recordErrors(popup, errors);
  await popup.getByRole('button', { name: 'Allow' }).waitFor();
  return popup;
}

const orgOf = (provider: UserAuthProvider): string => `auth-${provider.id.replace(/_/g, '-')}`;

describe('the README integration page on another site', () => {
  let server: LocalServer;
  let browser: Browser;
  let site: ChatSite;
  let userAuthProviders: UserAuthProvider[] = [];

  beforeAll(async () => {
    site = new ChatSite();
    await site.listen();
  });
  afterAll(async () => {
    await site.close();
  });
  useLocalModeBrowser(
    async (startedServer, startedBrowser) => {
      server = startedServer;
      browser = startedBrowser;
      site.page = readmePage(server.url);
      const response = await fetch(`${server.url}/api/v1/providers`, {
        headers: { authorization: `Bearer ${await tokenFor(server, 'listing', 'l1')}` },
      });
      const { providers } = (await response.json()) as {
        providers: Array<
          UserAuthProvider & { available: boolean; capabilities: { requires_user_authorization: boolean } }
        >;
      };
      userAuthProviders = providers
        .filter((provider) => provider.available && provider.capabilities.requires_user_authorization)
        .map(({ id, name }) => ({ id, name }));
      for (const provider of userAuthProviders) {
        await chooseProvider(browser, server, { org: orgOf(provider), provider: provider.id, name: provider.name });
      }
      await chooseProvider(browser, server, { org: 'readme-bbb', provider: 'big_blue_button', name: 'BigBlueButton' });
      await turnCallsOff(server, 'readme-off');
    },
    { env: { HOST_ORIGIN }, popupBlocker: true },
  );

  test('when local mode lists providers with user authorization, then Zoom is among them', () => {
    expect(userAuthProviders.map((provider) => provider.id)).toContain('zoom');
  });

  test('when the page starts a Jitsi call, then the element offers video and voice and shows the join link', async () => {
    const { context, page, errors } = await openChat(browser, site, server, { org: 'readme-jitsi', userId: 'j1' });
    expect(await page.getByRole('button', { name: 'Start voice call' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Start voice call' }).click();
    const link = page.getByRole('link', { name: 'Join voice call' });
    await link.waitFor();
    expect(await status(page).textContent()).toBe('Your voice call is ready: Join voice call');
    expect(await link.getAttribute('href')).toMatch(
      /^https:\/\/meet\.jit\.si\/[a-z0-9]{20}#config\.startWithVideoMuted=true$/,
    );
    await screenshot(page, 'client-readme-jitsi');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when the button is double-clicked, then one call is started, not two', async () => {
    const { context, page, errors } = await openChat(browser, site, server, { org: 'readme-jitsi', userId: 'j2' });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/calls')) requests.push(request.method());
    });
    await videoButton(page).dblclick();
    await page.getByRole('link', { name: 'Join video call' }).waitFor();
    expect(requests).toEqual(['POST']);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when the page starts a BigBlueButton call, then the join link opens the meeting with a ticket instead of a cookie', async () => {
    const { context, page, errors } = await openChat(browser, site, server, { org: 'readme-bbb', userId: 'b1' });
    await videoButton(page).click();
    const link = page.getByRole('link', { name: 'Join video call' });
    await link.waitFor();
    const href = (await link.getAttribute('href')) ?? '';
    expect(href.startsWith(`${server.url}/calls/bigbluebutton/join?bigbluebutton=`)).toBe(true);
    // No callgate cookie exists in this browser: the page is on another site.
    expect(await context.cookies(`${server.url}/calls/`)).toEqual([]);

    const opened = context.waitForEvent('page');
    await link.click();
    const meeting = await opened;
    recordErrors(meeting, errors);
    await meeting.getByRole('heading', { name: /^Joined / }).waitFor();
    expect(meeting.url().startsWith(`${server.url}/_simulators/bigbluebutton/api/join?`)).toBe(true);
    expect(await meeting.locator('main p').allTextContents()).toContain('Role: MODERATOR');
    // The ticket became a first-party cookie of callgate's top-level page.
    expect((await context.cookies(`${server.url}/calls/`)).map((cookie) => cookie.name)).toEqual(['callgate_session']);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when a user allows every provider with user authorization in the popup, then the call starts once', async () => {
    for (const provider of userAuthProviders) {
      const { context, page, errors } = await openChat(browser, site, server, {
        org: orgOf(provider),
        userId: 'allow',
      });
      const answers = callAnswers(page);
      const popup = await clickIntoPopup(context, page, errors);
      expect(await status(page).textContent()).toBe(
        `${provider.name} needs your permission first: finish in the window that opened, and the call starts.`,
      );
      // The popup reached callgate's register page with a ticket, which it swapped for a cookie.
      expect((await context.cookies(`${server.url}/calls/`)).map((cookie) => cookie.name)).toEqual([
        'callgate_session',
      ]);
      await screenshot(popup, `client-authorize-${provider.id}`);
      const closed = popup.waitForEvent('close');
      await popup.getByRole('button', { name: 'Allow' }).click();
      await closed;
      await page.getByRole('link', { name: 'Join video call' }).waitFor();
      expect(answers.map((answer) => answer.status())).toEqual([403, 200]);
      expect(await answers[1]?.json()).toMatchObject({ provider: provider.id });

      // Authorized once: the next call opens no popup.
      let popups = 0;
      context.on('page', () => (popups += 1));
      await videoButton(page).click();
      await page.waitForFunction(() => {
        const element = document.querySelector('callgate-call-button');
        return element?.shadowRoot?.querySelector('#video-call')?.getAttribute('aria-disabled') !== 'true';
      });
      expect(answers.map((answer) => answer.status())).toEqual([403, 200, 200]);
      expect(popups).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  test('when a user denies and then closes the popup, then the element says so and no call starts', async () => {
    for (const provider of userAuthProviders) {
      const { context, page, errors } = await openChat(browser, site, server, { org: orgOf(provider), userId: 'deny' });
      const popup = await clickIntoPopup(context, page, errors);
      await popup.getByRole('button', { name: 'Deny' }).click();
      await status(page)
        .getByText(
          `${provider.name} was not connected, so no call was started. Retry in the ${provider.name} window, or start the call again.`,
        )
        .waitFor();
      expect(await status(page).getAttribute('data-tone')).toBe('error');
      await popup.close();
      await status(page)
        .getByText(`${provider.name} was not connected, so no call was started.`, { exact: true })
        .waitFor();
      expect(await videoButton(page).getAttribute('aria-disabled')).toBeNull();
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  test('when a user denies and starts the call again, then the old popup gives way to a new one, and allowing there starts one call', async () => {
    for (const provider of userAuthProviders) {
      const { context, page, errors } = await openChat(browser, site, server, {
        org: orgOf(provider),
        userId: 'again',
      });
      const answers = callAnswers(page);
      const first = await clickIntoPopup(context, page, errors);
      await first.getByRole('button', { name: 'Deny' }).click();
      await status(page).getByText(`${provider.name} was not connected`, { exact: false }).waitFor();
      // After a refusal the button is usable again: the message invites starting over.
      expect(await videoButton(page).getAttribute('aria-disabled')).toBeNull();
      const firstClosed = first.waitForEvent('close');
      const second = await clickIntoPopup(context, page, errors);
      await firstClosed;
      const secondClosed = second.waitForEvent('close');
      await second.getByRole('button', { name: 'Allow' }).click();
      await secondClosed;
      await page.getByRole('link', { name: 'Join video call' }).waitFor();
      expect(answers.map((answer) => answer.status())).toEqual([403, 403, 200]);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  test('when a user closes the popup without answering, then the element says the window was closed', async () => {
    for (const provider of userAuthProviders) {
      const { context, page, errors } = await openChat(browser, site, server, {
        org: orgOf(provider),
        userId: 'close',
      });
      const answers = callAnswers(page);
      const popup = await clickIntoPopup(context, page, errors);
      await popup.close();
      await status(page)
        .getByText(
          `The window to connect ${provider.name} was closed before ${provider.name} was connected, so no call was started.`,
        )
        .waitFor();
      expect(answers.map((answer) => answer.status())).toEqual([403, 403]);
      expect(await videoButton(page).getAttribute('aria-disabled')).toBeNull();
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  test("when Chromium's popup blocker refuses the window, then the element offers a link, and following it starts the call", async () => {
    for (const provider of userAuthProviders) {
      const { context, page, errors } = await openChat(browser, site, server, {
        org: orgOf(provider),
        userId: 'blocked',
      });
      // Playwright's scripts run with a user gesture, each poll of a locator too. Opening (and
      // closing) a window uses the gesture up, so the click that follows has none, and nothing
      // touches the page until the blocked flow has asked for its ticket.
      const ticketAsked = page.waitForResponse((response) => response.url().endsWith('/api/v1/session/ticket'));
      await page.evaluate(() => {
        window.open('about:blank', 'spend-the-gesture')?.close();
        const button = document.querySelector('callgate-call-button')?.shadowRoot?.querySelector('#video-call');
        (button as HTMLButtonElement).click();
      });
      await ticketAsked;
      const connect = status(page).getByRole('link', { name: `Connect ${provider.name}` });
      await connect.waitFor();
      expect(await status(page).textContent()).toBe(
        `Your browser blocked the window to connect ${provider.name}. Allow pop-ups for this page, or open the link to connect, then start the call again. Connect ${provider.name}`,
      );
      expect(await connect.getAttribute('href')).toMatch(/\?ticket=[A-Za-z0-9_-]{43}$/);

      const opened = context.waitForEvent('page');
      await connect.click();
      const popup = await opened;
      recordErrors(popup, errors);
      const closed = popup.waitForEvent('close');
      await popup.getByRole('button', { name: 'Allow' }).click();
      await closed;
      await page.getByRole('link', { name: 'Join video call' }).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  test('when only the keyboard is used, then a call with authorization starts and focus stays on the button', async () => {
    const provider = userAuthProviders[0]!;
    const { context, page, errors } = await openChat(browser, site, server, { org: orgOf(provider), userId: 'keys' });
    await tabTo(page, '#video-call');
    const opened = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const popup = await opened;
    recordErrors(popup, errors);
    await popup.getByRole('button', { name: 'Allow' }).waitFor();
    await tabTo(popup, 'button[value="allow"]');
    const closed = popup.waitForEvent('close');
    await popup.keyboard.press('Enter');
    await closed;
    await page.getByRole('link', { name: 'Join video call' }).waitFor();
    expect(await focusIs(page, '#video-call')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusIs(page, '#voice-call')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusIs(page, 'a[part="link"]')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    const voice = page.getByRole('link', { name: 'Join voice call' });
    await voice.waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when calls are turned off, then the element keeps its button disabled and says why', async () => {
    const { context, page, errors } = await openChat(browser, site, server, { org: 'readme-off', userId: 'o1' });
    await status(page).getByText('Calls are turned off for this organization.').waitFor();
    expect(await videoButton(page).getAttribute('aria-disabled')).toBe('true');
    expect(await videoButton(page).getAttribute('aria-describedby')).toBe('call-status');
    expect(await page.getByRole('button', { name: 'Start voice call' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when axe-core checks the element ready, busy with a link, and disabled, then it finds no violations', async () => {
    const ready = await openChat(browser, site, server, { org: 'readme-jitsi', userId: 'axe' }, { bypassCSP: true });
    expect(await axeViolations(ready.page, { include: 'callgate-call-button' })).toEqual([]);
    await videoButton(ready.page).click();
    await ready.page.getByRole('link', { name: 'Join video call' }).waitFor();
    expect(await axeViolations(ready.page, { include: 'callgate-call-button' })).toEqual([]);
    await screenshot(ready.page, 'client-readme-ready');
    await ready.context.close();

    const off = await openChat(browser, site, server, { org: 'readme-off', userId: 'axe' }, { bypassCSP: true });
    await status(off.page).getByText('Calls are turned off for this organization.').waitFor();
    expect(await axeViolations(off.page, { include: 'callgate-call-button' })).toEqual([]);
    await screenshot(off.page, 'client-readme-off');
    expect([...ready.errors, ...off.errors]).toEqual([]);
    await off.context.close();
  });
});
