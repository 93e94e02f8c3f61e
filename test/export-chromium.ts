import { existsSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * Headless Debian Chromium for the export's browser tests. Never downloads a
 * browser. Without Chromium the tests skip locally but fail in CI, where
 * .ci/run installs it.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumMissing = !existsSync(CHROMIUM);
export const skipBrowser = chromiumMissing && !process.env.CI;
if (skipBrowser) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (they fail instead when CI is set)`);

export interface Session {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Session> {
  if (chromiumMissing) throw new Error(`Chromium not found at ${CHROMIUM}; install Debian's chromium (CI: .ci/run does)`);
  // Flags from FIELD-NOTES: no sandbox (containers), no GPU, nothing phoning home.
  // Playwright starts every launch with a fresh temporary profile (it refuses --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A page whose every non-file:// request is blocked and recorded, with its console errors and page errors. */
export interface WatchedPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  blockedRequests: string[];
}

export async function openWatchedPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  const watched: WatchedPage = { page, consoleErrors: [], pageErrors: [], blockedRequests: [] };
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://")) return route.continue();
    watched.blockedRequests.push(url);
    return route.abort();
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") watched.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => watched.pageErrors.push(err.message));
  return watched;
}

export const fileUrl = (file: string): string => `file://${path.resolve(file)}`;
