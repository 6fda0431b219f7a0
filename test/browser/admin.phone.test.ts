/**
 * The admin page on a phone (390×844) in local mode: it fits without sideways scrolling,
 * speaks words instead of keys and codes, keeps its chart colours and keyboard focus,
 * clears stale results, and neither it nor a signed-out page is a dead end.
 */
import { describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  axeViolations,
  focusIs,
  recordErrors,
  screenshot,
  signIn,
  tabTo,
  type DemoUser,
  type LocalServer,
  useLocalModeBrowser,
} from './support.js';

const PHONE = { width: 390, height: 844 };
/** 182 characters without a hyphen or space to break at: under the 200 allowed, far wider than a phone. */
const LONG_URL = `https://jitsi.example.com/${'averylongtenantpathsegment'.repeat(6)}`;

/** A phone-sized page, recording console errors. */
async function phonePage(
  browser: Browser,
  options: { bypassCSP?: boolean } = {},
): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  // bypassCSP only to inject axe-core, as in support.ts's openPage.
  const context = await browser.newContext({ viewport: PHONE, bypassCSP: options.bypassCSP ?? false });
  const page = await context.newPage();
  const errors: string[] = [];
  recordErrors(page, errors);
  return { page, errors, close: () => context.close() };
}

/** Signs in on /demo and opens /calls/admin through the demo's link. */
async function openAdmin(page: Page, server: LocalServer, user: DemoUser): Promise<void> {
  await signIn(page, server, user);
  await page.getByRole('link', { name: 'Organization call settings' }).click();
  await page.waitForURL('**/calls/admin');
  await page.locator('#provider-jitsi_meet').waitFor();
}

/** Creates calls with the demo's identity token (kept in sessionStorage), as a chat frontend would. */
async function createCalls(page: Page, count: number): Promise<void> {
  const statuses = await page.evaluate(async (n) => {
    const token = sessionStorage.getItem('callgate-demo-token') ?? '';
    const results: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const response = await fetch('/api/v1/calls', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ meeting_name: 'standup' }),
      });
      results.push(response.status);
    }
    return results;
  }, count);
  expect(statuses).toEqual(Array.from({ length: count }, () => 200));
}

async function saveProvider(page: Page, id: string, saved: string): Promise<void> {
  await page.locator(`#provider-${id}`).check();
  await page.getByRole('button', { name: 'Save provider' }).click();
  await page.locator('#provider-status').getByText(saved).waitFor();
}

async function saveJitsi(page: Page, url: string): Promise<void> {
  await page.getByLabel('Jitsi server URL').fill(url);
  await page.getByRole('button', { name: 'Save Jitsi server' }).click();
}

describe('the /calls/admin page on a phone in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  useLocalModeBrowser((startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
  });

  test('when the audit log holds a long URL and the statistics table is open, then the page does not scroll sideways', async () => {
    const { page, errors, close } = await phonePage(browser);
    await openAdmin(page, server, { org: 'narrow', userId: 'n1', name: 'Nia Narrow', role: 'admin' });
    await createCalls(page, 2);
    await saveProvider(page, 'big_blue_button', 'Saved: calls now use BigBlueButton.');
    await createCalls(page, 1);
    await saveJitsi(page, LONG_URL);
    await page.locator('#jitsi-status').getByText('Saved.', { exact: true }).waitFor();
    await page.reload();
    await page.locator('#audit table').waitFor();
    await page.getByText('Show the numbers as a table').click();
    await page.locator('#stats tbody tr').first().waitFor();
    await screenshot(page, 'admin-phone');

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // The wide table scrolls inside its own box, which the keyboard can reach.
    const box = page.locator('#stats .table-scroll');
    expect(await box.getAttribute('tabindex')).toBe('0');
    expect(await box.getAttribute('role')).toBe('region');

    // Words and provider names, not keys and ids.
    const changes = await page.locator('#audit tbody td:nth-child(3)').allTextContents();
    expect(changes).toEqual([
      `Jitsi server URL: this server's default → ${LONG_URL}`,
      'Provider: Jitsi Meet → BigBlueButton',
    ]);
    expect(errors).toEqual([]);
    await close();
  });

  test('when the data shown changes, then each provider keeps its colour, and the chart has a y-axis with values', async () => {
    const { page, errors, close } = await phonePage(browser);
    await openAdmin(page, server, { org: 'colours', userId: 'c1', name: 'Cy Colour', role: 'admin' });
    // An empty chart: a zero axis, no "max" line.
    await page.locator('#stats svg').waitFor();
    expect(await page.locator('#stats svg').textContent()).not.toContain('max');
    expect(await page.locator('#stats svg .y-axis text').allTextContents()).toEqual(['0']);

    await saveProvider(page, 'big_blue_button', 'Saved: calls now use BigBlueButton.');
    await createCalls(page, 3);
    await page.reload();
    await page.locator('#stats svg rect').first().waitFor();
    const bbbOnly = await page.locator('#stats svg rect').getAttribute('class');
    expect(await page.locator('#stats svg .y-axis text').allTextContents()).toEqual(['0', '1', '2', '3']);

    await saveProvider(page, 'jitsi_meet', 'Saved: calls now use Jitsi Meet.');
    await createCalls(page, 1);
    await page.reload();
    await page.locator('#stats svg rect >> nth=1').waitFor();
    // The stacked bar draws providers in a fixed order; BigBlueButton keeps its colour.
    const rects = await page.locator('#stats svg rect').evaluateAll((elements) =>
      elements.map((rect) => ({
        title: rect.querySelector('title')?.textContent ?? '',
        colour: rect.getAttribute('class'),
      })),
    );
    expect(rects.find((rect) => rect.title.includes('BigBlueButton'))?.colour).toBe(bbbOnly);
    expect(rects.find((rect) => rect.title.includes('Jitsi Meet'))?.colour).not.toBe(bbbOnly);
    const legend = await page
      .locator('#stats .legend li')
      .evaluateAll((items) => items.map((item) => [item.textContent, item.querySelector('.swatch')?.className]));
    expect(legend).toContainEqual(['BigBlueButton', `swatch ${bbbOnly}`]);
    expect(await page.locator('#stats svg .y-axis text').allTextContents()).toEqual(['0', '1', '2', '3', '4']);
    expect(errors).toEqual([]);
    await close();
  });

  test('when an admin saves with Enter in the radio group, then focus stays on the radio', async () => {
    const { page, errors, close } = await phonePage(browser);
    await openAdmin(page, server, { org: 'enterco', userId: 'e1', name: 'Eve Enter', role: 'admin' });
    await tabTo(page, '#provider-jitsi_meet');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#provider-zoom').isChecked()).toBe(true);
    // Marks the radios as they are now: the save re-renders them from the saved settings.
    await page.locator('#provider-zoom').evaluate((radio) => radio.setAttribute('data-before-save', ''));
    await page.keyboard.press('Enter');
    await page.locator('#provider-status').getByText('Saved: calls now use Zoom.').waitFor();
    await page.locator('#provider-zoom:not([data-before-save])').waitFor({ state: 'attached' });
    await page.locator('#audit').getByText('Provider: Jitsi Meet → Zoom').waitFor();
    expect(await focusIs(page, '#provider-zoom')).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  test('when a new action starts, then old results are cleared, and a test of an unsaved choice says so', async () => {
    const { page, errors, close } = await phonePage(browser);
    await openAdmin(page, server, { org: 'freshco', userId: 'f1', name: 'Fay Fresh', role: 'admin' });
    await saveProvider(page, 'disabled', 'Saved: calls are turned off.');
    await saveJitsi(page, 'https://jitsi.example.com');
    await page.locator('#jitsi-status').getByText('Saved.', { exact: true }).waitFor();
    expect(await page.locator('#provider-status').textContent()).toBe('');

    await page.locator('#provider-big_blue_button').check();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#check-result').getByText('BigBlueButton (not saved yet): connection OK.').waitFor();
    expect(await page.locator('#jitsi-status').textContent()).toBe('');
    // Choosing another provider makes the result about the previous one stale.
    await page.locator('#provider-zoom').check();
    expect(await page.locator('#check-result').textContent()).toBe('');

    await saveProvider(page, 'big_blue_button', 'Saved: calls now use BigBlueButton.');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#check-result').getByText('BigBlueButton: connection OK.', { exact: true }).waitFor();
    expect(await page.locator('#provider-status').textContent()).toBe('');
    expect(errors).toEqual([]);
    await close();
  });

  test('when an admin enters a bad Jitsi URL or a connection test fails, then the page says it in words', async () => {
    const { page, errors, close } = await phonePage(browser);
    await openAdmin(page, server, { org: 'wordsco', userId: 'w1', name: 'Wes Words', role: 'owner' });
    await saveJitsi(page, 'http://jitsi.example.com');
    await page
      .locator('#jitsi-error')
      .getByText('Jitsi server URL must start with https://', { exact: true })
      .waitFor();

    // A loopback port nobody listens on: local mode allows loopback, and the test fails fast.
    await saveJitsi(page, 'http://127.0.0.1:9');
    await page.locator('#jitsi-status').getByText('Saved.', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.locator('#check-result');
    await result.getByText(/^Jitsi Meet: connection failed: /).waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(/^Jitsi Meet: connection failed: the server could not be reached\. /);
    expect(text).not.toMatch(/\(\w+_\w+\)|unreachable/);
    expect(errors).toEqual([]);
    await close();
  });

  test('when an admin is on the page, then a link leads back to the chat', async () => {
    const { page, errors, close } = await phonePage(browser);
    await openAdmin(page, server, { org: 'backco', userId: 'b1', name: 'Bo Back', role: 'member' });
    await page.getByRole('link', { name: 'Back to the chat' }).click();
    await page.waitForURL('**/demo');
    await page.getByRole('heading', { name: '#general' }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  test('when a signed-out browser opens a /calls/ page, then it links to the demo and its sign-in', async () => {
    const { page, close } = await phonePage(browser);
    for (const path of [
      '/calls/admin',
      '/calls/bigbluebutton/join?t=x',
      '/calls/jitsi/join?t=x',
      '/calls/zoom/register',
    ]) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status()).toBe(401);
      await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
      const link = page.getByRole('link', { name: 'Sign in on the demo' });
      expect(await link.getAttribute('href')).toBe('/demo');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    }
    await page.getByRole('link', { name: 'Sign in on the demo' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await close();
  });

  test('when axe-core checks the phone-sized admin page with its tables and a signed-out page, then it finds no violations', async () => {
    const { page, close } = await phonePage(browser, { bypassCSP: true });
    await openAdmin(page, server, { org: 'axephone', userId: 'x1', name: 'Xia Axe', role: 'admin' });
    await createCalls(page, 1);
    await saveJitsi(page, LONG_URL);
    await page.locator('#jitsi-status').getByText('Saved.', { exact: true }).waitFor();
    await page.locator('#audit table').waitFor();
    await page.reload();
    await page.locator('#stats svg rect').first().waitFor();
    await page.getByText('Show the numbers as a table').click();
    expect(await axeViolations(page)).toEqual([]);

    await page.context().clearCookies();
    await page.goto(`${server.url}/calls/admin`);
    expect(await axeViolations(page)).toEqual([]);
    await close();
  });
});
