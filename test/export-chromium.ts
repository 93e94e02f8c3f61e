import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { exportSite, type SiteReport } from "../kernel/export/site";
import { needTools } from "./helpers/tools";

/** How long a browser test waits for a page, its scripts or a figure before its own assertions report what is missing. */
export const BROWSER_WAIT_MS = 120_000;

/**
 * Headless Debian Chromium for the browser tests, the `chromium` on PATH.
 * Never downloads a browser.
 */
const browserTools = needTools("browser tests", ["chromium"]);
export const skipBrowser = browserTools.skip;

export interface Session {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Session> {
  // Flags from FIELD-NOTES: no sandbox (containers), no GPU, nothing phoning home.
  // Playwright starts every launch with a fresh temporary profile (it refuses --user-data-dir).
  const browser = await chromium.launch({
    executablePath: browserTools.path("chromium"),
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
  // Playwright's 30 s default is too short on a busy 2-core machine: load waits for plotly.js to parse and draw.
  page.setDefaultTimeout(BROWSER_WAIT_MS);
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

/** A site exported for one describe block and one Chromium to look at it with. */
export interface SiteInChromium {
  readonly report: SiteReport;
  readonly browser: Browser;
  /** Opens a page of the site and waits (generously) until `figures` plots have drawn their SVG. */
  open(file: string, figures: number): Promise<WatchedPage>;
}

/** A value a describe block's beforeAll sets up, read by its tests: a clear error when the set-up failed. */
export function setUp<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready (did its beforeAll fail?)`);
  return value;
}

/**
 * Exports `from` into a temporary folder and launches Chromium before the
 * enclosing describe block's tests; closes and removes both after them.
 */
export function siteInChromium(from: string): SiteInChromium {
  let work: string | undefined;
  let report: SiteReport | undefined;
  let session: Session | undefined;
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "gl-export-site-"));
    report = await exportSite({ from, out: path.join(work, "site") });
    session = await launchChromium();
  });
  afterAll(async () => {
    await session?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => setUp(value, `siteInChromium: the ${what}`);
  return {
    get report() {
      return ready(report, "export report");
    },
    get browser() {
      return ready(session, "browser").browser;
    },
    async open(file, figures) {
      const watched = await openWatchedPage(this.browser);
      await watched.page.goto(fileUrl(path.join(this.report.out, file)), { waitUntil: "load" });
      if (figures > 0) {
        await watched.page
          .waitForFunction(
            (n) => {
              const plots = Array.from(document.querySelectorAll(".js-plotly-plot"));
              return plots.length >= n && plots.every((plot) => plot.querySelector(".main-svg") !== null);
            },
            figures,
            { timeout: BROWSER_WAIT_MS },
          )
          .catch(() => undefined); // the callers' count assertions report the shortfall
      }
      return watched;
    },
  };
}
