/**
 * Browser-test support: starts the REAL built server (`node dist/main.js`) in local mode in
 * a fresh directory, and a headless Chromium to drive it.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Where the tests write screenshots (gitignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/** A running local-mode server. */
export interface LocalServer {
  url: string;
  /** Everything the process wrote to stdout. */
  stdout(): string;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * Starts `node dist/main.js` with no secrets file, so it runs local mode exactly as
 * `npm start` on a fresh checkout does. A real port (not 0) keeps PUBLIC_URL right.
 */
export async function startLocalServer(options: { env?: Record<string, string> } = {}): Promise<LocalServer> {
  const cwd = mkdtempSync(join(tmpdir(), 'callgate-browser-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, PORT: String(port), LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in time:\n${stdout}\n${stderr}`)), 20_000);
    const onData = (): void => {
      if (stdout.includes(`${url}/demo`)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    stdout: () => stdout,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/**
 * Launches Debian's Chromium headless. `popupBlocker` keeps Chromium's own popup blocker on
 * (Playwright turns it off by default), so a window opened without a user gesture is refused.
 */
export function launchBrowser(options: { popupBlocker?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    ...(options.popupBlocker ? { ignoreDefaultArgs: ['--disable-popup-blocking'] } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** A fresh browser profile and page, recording every console error and uncaught exception. */
export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP violations among them) and page errors seen so far. */
  errors: string[];
}

/**
 * Opens a page in a new context. `bypassCSP` is only for injecting axe-core; every other
 * test runs under the pages' real Content-Security-Policy and checks it saw no error.
 */
export async function openPage(browser: Browser, options: { bypassCSP?: boolean } = {}): Promise<TestPage> {
  const context = await browser.newContext({ bypassCSP: options.bypassCSP ?? false });
  const page = await context.newPage();
  const errors: string[] = [];
  recordErrors(page, errors);
  return { context, page, errors };
}

/** Appends the page's console errors and uncaught exceptions to `errors` (popups too). */
export function recordErrors(page: Page, errors: string[]): void {
  page.on('console', (message) => {
    // An error answer (an API refusal, an error page) is expected in several tests; Chromium logs each one.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
}

/** Saves a full-page screenshot as `test-results/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Runs axe-core over the page (or only the elements `include` selects, shadow roots
 * included) and returns its violations, summarised for a readable failure.
 */
export async function axeViolations(page: Page, options: { include?: string } = {}): Promise<string[]> {
  await page.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run(context?: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(include ? { include: [[include]] } : undefined);
    return result.violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  }, options.include);
  return violations;
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Identity of a demo sign-in. */
export interface DemoUser {
  org: string;
  userId: string;
  name: string;
  role: 'owner' | 'admin' | 'member' | 'guest';
}

/** Signs in on /demo through its form and waits for the chat. */
export async function signIn(page: Page, server: LocalServer, user: DemoUser): Promise<void> {
  await page.goto(`${server.url}/demo`);
  await page.getByLabel('Organization').fill(user.org);
  await page.getByLabel('User id').fill(user.userId);
  await page.getByLabel('Display name').fill(user.name);
  await page.getByLabel('Role').selectOption(user.role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: '#general' }).waitFor();
}

/**
 * Makes `provider` the organization's provider the way an admin does: signs in on /demo,
 * follows the link to /calls/admin, chooses it and saves. Closes its own browser context.
 */
export async function chooseProvider(
  browser: Browser,
  server: LocalServer,
  options: { org: string; provider: string; name: string },
): Promise<void> {
  const { context, page, errors } = await openPage(browser);
  await signIn(page, server, { org: options.org, userId: 'admin', name: 'Org Admin', role: 'admin' });
  await page.getByRole('link', { name: 'Organization call settings' }).click();
  await page.waitForURL('**/calls/admin');
  await page.locator(`#provider-${options.provider}`).check();
  await page.getByRole('button', { name: 'Save provider' }).click();
  await page.getByText(`Saved: calls now use ${options.name}.`).waitFor();
  await context.close();
  if (errors.length > 0) throw new Error(`errors on /calls/admin: ${errors.join('; ')}`);
}

/**
 * The focused element's id, looking inside open shadow roots (the buttons of
 * `<callgate-call-button>` live in its shadow root).
 */
export function activeId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.id;
  });
}

/** Whether the focused element (inside open shadow roots too) matches `selector`. */
export function focusIs(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.matches(s) ?? false;
  }, selector);
}

/**
 * Presses Tab until `selector` has focus, proving it is reachable by keyboard alone;
 * fails after `limit` presses.
 */
export async function tabTo(page: Page, selector: string, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    if (await focusIs(page, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} not reached with ${limit} presses of Tab`);
}

/**
 * Starts local mode and Chromium before a suite and stops both after it; `ready` gets
 * them once both are up (suites keep them, and may do more set-up there).
 */
export function useLocalModeBrowser(
  ready: (server: LocalServer, browser: Browser) => void | Promise<void>,
  options: { env?: Record<string, string>; popupBlocker?: boolean } = {},
): void {
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startLocalServer({ ...(options.env ? { env: options.env } : {}) });
    browser = await launchBrowser({ popupBlocker: options.popupBlocker ?? false });
    await ready(server, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
}
