/**
 * BigBlueButton end to end in local mode: a call posted on /demo, its signed link opened by
 * the creator, by another member of the organization and by someone from elsewhere, against
 * the in-process BigBlueButton simulator; and callgate's error pages under /calls/.
 */
import { describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
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

const ORG = 'bbbco';

/** Starts a call on the demo and returns the posted link. */
async function postCall(page: Page, kind: 'video' | 'voice'): Promise<string> {
  const before = await page.locator('#messages a').count();
  await page.getByRole('button', { name: `Start ${kind} call` }).click();
  const link = page.locator('#messages a').nth(before);
  await link.waitFor();
  expect(await link.textContent()).toBe(`Join ${kind} call.`);
  return (await link.getAttribute('href')) ?? '';
}

/** The simulator's join page as `{label: value}`, from its "Label: value" paragraphs. */
async function joinDetails(page: Page): Promise<Record<string, string>> {
  const lines = await page.locator('main p').allTextContents();
  return Object.fromEntries(
    lines
      .filter((line) => line.includes(': '))
      .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
  );
}

describe('BigBlueButton links from /demo in local mode', () => {
  let server: LocalServer;
  let browser: Browser;
  let joinPrefix: string;
  useLocalModeBrowser(async (startedServer, startedBrowser) => {
    server = startedServer;
    browser = startedBrowser;
    joinPrefix = `${server.url}/_simulators/bigbluebutton/api/join?`;
    await chooseProvider(browser, server, { org: ORG, provider: 'big_blue_button', name: 'BigBlueButton' });
  });

  test('when the creator, another member and an outsider open the link, then MODERATOR, VIEWER and a 403 page', async () => {
    const creator = await openPage(browser);
    await signIn(creator.page, server, { org: ORG, userId: 'b1', name: 'Bea Creator', role: 'member' });
    const href = await postCall(creator.page, 'video');
    expect(href.startsWith(`${server.url}/calls/bigbluebutton/join?bigbluebutton=`)).toBe(true);

    // The creator clicks the posted link (it opens a new tab).
    const opened = creator.context.waitForEvent('page');
    await creator.page.getByRole('link', { name: 'Join video call.' }).click();
    const moderator = await opened;
    recordErrors(moderator, creator.errors);
    await moderator.getByRole('heading', { name: 'Joined general > demo' }).waitFor();
    expect(moderator.url().startsWith(joinPrefix)).toBe(true);
    const asModerator = await joinDetails(moderator);
    expect(asModerator).toMatchObject({
      Meeting: 'general > demo',
      'Joined by': 'Bea Creator',
      Role: 'MODERATOR',
      Cameras: 'allowed',
    });
    await screenshot(moderator, 'bbb-join-moderator');

    // Another member of the organization, in another browser, opens the same link.
    const member = await openPage(browser);
    await signIn(member.page, server, { org: ORG, userId: 'b2', name: 'Vic Viewer', role: 'member' });
    const asViewerResponse = await member.page.goto(href);
    expect(asViewerResponse?.status()).toBe(200);
    expect(member.page.url().startsWith(joinPrefix)).toBe(true);
    const asViewer = await joinDetails(member.page);
    expect(asViewer).toMatchObject({ 'Joined by': 'Vic Viewer', Role: 'VIEWER' });
    // Both joined the one meeting.
    expect(asViewer['Meeting ID']).toBe(asModerator['Meeting ID']);
    await screenshot(member.page, 'bbb-join-viewer');

    // Someone signed in to another organization gets callgate's 403 page, not the meeting.
    const outsider = await openPage(browser);
    await signIn(outsider.page, server, { org: 'elsewhere', userId: 'b1', name: 'Otto Outsider', role: 'owner' });
    const refused = await outsider.page.goto(href);
    expect(refused?.status()).toBe(403);
    expect(outsider.page.url()).toBe(href);
    await outsider.page.getByRole('heading', { name: 'You cannot open this link' }).waitFor();
    expect(await outsider.page.locator('main p').allTextContents()).toEqual([
      'This call belongs to another organization',
      'If you think you should, ask your administrator.',
    ]);
    await screenshot(outsider.page, 'bbb-forbidden');

    expect(creator.errors).toEqual([]);
    expect(member.errors).toEqual([]);
    expect(outsider.errors).toEqual([]);
    await Promise.all([creator.context.close(), member.context.close(), outsider.context.close()]);
  });

  test('when a voice call link is opened, then the meeting locks cameras', async () => {
    const { context, page, errors } = await openPage(browser);
    await signIn(page, server, { org: ORG, userId: 'b3', name: 'Vo Ice', role: 'member' });
    await page.getByLabel('Meeting name').fill('standup');
    const href = await postCall(page, 'voice');
    await page.goto(href);
    expect(await joinDetails(page)).toMatchObject({
      Meeting: 'standup',
      'Joined by': 'Vo Ice',
      Role: 'MODERATOR',
      Cameras: 'locked (voice call)',
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  test('when axe-core checks the 401, 400 and 403 pages under /calls/, then it finds no violations', async () => {
    const creator = await openPage(browser);
    await signIn(creator.page, server, { org: ORG, userId: 'b4', name: 'Axe Checker', role: 'member' });
    const href = await postCall(creator.page, 'video');
    await creator.context.close();

    // Not signed in at all: 401.
    const anonymous = await openPage(browser, { bypassCSP: true });
    expect((await anonymous.page.goto(href))?.status()).toBe(401);
    await anonymous.page.getByRole('heading', { name: 'Please sign in' }).waitFor();
    await screenshot(anonymous.page, 'calls-unauthorized');
    expect(await axeViolations(anonymous.page)).toEqual([]);

    // Signed in elsewhere: 403. An altered link: 400.
    const outsider = await openPage(browser, { bypassCSP: true });
    await signIn(outsider.page, server, { org: 'elsewhere', userId: 'x1', name: 'Otto Outsider', role: 'member' });
    expect((await outsider.page.goto(href))?.status()).toBe(403);
    expect(await axeViolations(outsider.page)).toEqual([]);
    const altered = new URL(href);
    altered.searchParams.set('bigbluebutton', `${altered.searchParams.get('bigbluebutton') ?? ''}x`);
    expect((await outsider.page.goto(altered.toString()))?.status()).toBe(400);
    await outsider.page.getByRole('heading', { name: 'This link is not valid' }).waitFor();
    expect(await axeViolations(outsider.page)).toEqual([]);
    expect(anonymous.errors).toEqual([]);
    expect(outsider.errors).toEqual([]);
    await Promise.all([anonymous.context.close(), outsider.context.close()]);
  });
});
