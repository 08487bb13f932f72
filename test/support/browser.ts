// A real headless Chromium for the page tests: Debian's `chromium`, driven by
// playwright-core (which brings no browser of its own). .ci/run installs it
// where it is missing; run `apt-get install -y chromium fonts-noto-color-emoji`
// to run these tests elsewhere.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { realClockEnv } from './dates.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `extraArgs`: more Chromium switches, e.g. a fake camera (`--use-file-for-fake-video-capture`). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // Under scripts/clock-ahead.sh the browser keeps the real clock, as
    // redis-server does there: Chromium's many threads hang under libfaketime,
    // and the page only shows times the box office (a year ahead) writes.
    env: realClockEnv(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/**
 * Keeps a screenshot for the README in docs/ when DOCS_SCREENSHOTS is set
 * (`DOCS_SCREENSHOTS=1 npx vitest run test/*.browser.test.ts`); otherwise the
 * picture is still taken, so a page that cannot be drawn fails the test.
 */
export async function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ fullPage: false, ...(process.env.DOCS_SCREENSHOTS ? { path: join('docs', name) } : {}) });
}

/** The page's script errors and console errors from now on (a failed load included): a test expects none. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return problems;
}
