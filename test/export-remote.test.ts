import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite, type SiteReport } from "../kernel/export/site";
import { BROWSER_WAIT_MS, fileUrl, launchChromium, openWatchedPage, skipBrowser, type Session } from "./export-chromium";

/**
 * Figures whose drawing fetches from the network: geo traces (Plotly loads
 * its world map from a CDN), map traces and map styles, layout images,
 * image traces and template images with http URLs. The site of an untrusted
 * notebook must make no request that is not file://; a trusted one may.
 */
const FIXTURES = path.join(__dirname, "fixtures", "export-remote");
const FIGURES = 7;

let work: string;
let session: Session;
const sites: Record<"untrusted" | "trusted", SiteReport> = {} as never;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "gl-export-remote-"));
  sites.untrusted = await exportSite({ from: FIXTURES, out: path.join(work, "untrusted") });
  sites.trusted = await exportSite({ from: FIXTURES, out: path.join(work, "trusted"), trustMarked: true });
  if (!skipBrowser) session = await launchChromium();
});
afterAll(async () => {
  await session?.close();
  rmSync(work, { recursive: true, force: true });
});

function pageOf(site: SiteReport): string {
  return path.join(site.out, site.pages[0]!.file);
}

describe("figures that would load remote data", () => {
  it("are left out of an untrusted notebook's page with a note saying why", () => {
    const html = readFileSync(pageOf(sites.untrusted), "utf8");
    expect(html).not.toMatch(/example\.test/);
    expect(html.match(/class="gl-note gl-remote-note"/g)).toHaveLength(FIGURES);
    expect(html).toContain("Left out of this offline page: scattergeo trace (they load from the network");
  });

  it("stay in a trusted notebook's page", () => {
    const html = readFileSync(pageOf(sites.trusted), "utf8");
    expect(html).toContain("http://images.example.test/logo.png");
    expect(html).not.toContain("gl-remote-note");
  });
});

describe.skipIf(skipBrowser)("figures that would load remote data, in Chromium", () => {
  it("an untrusted notebook's page draws every figure and requests nothing outside file://", async () => {
    const watched = await openWatchedPage(session.browser);
    await watched.page.goto(fileUrl(pageOf(sites.untrusted)), { waitUntil: "load" });
    await watched.page.waitForFunction(
      (n) => Array.from(document.querySelectorAll(".js-plotly-plot")).filter((plot) => plot.querySelector(".main-svg")).length >= n,
      FIGURES,
      { timeout: BROWSER_WAIT_MS },
    );
    expect(watched.pageErrors).toEqual([]);
    expect(watched.blockedRequests).toEqual([]);
    await watched.page.close();
  });

  it("a trusted notebook's page does request them (so the payloads above are real)", async () => {
    const watched = await openWatchedPage(session.browser);
    await watched.page.goto(fileUrl(pageOf(sites.trusted)), { waitUntil: "load" });
    await expect.poll(() => watched.blockedRequests.filter((url) => url.includes("example.test") || url.includes("cdn.plot.ly")).length, { timeout: BROWSER_WAIT_MS }).toBeGreaterThanOrEqual(3);
    await watched.page.close();
  });
});
