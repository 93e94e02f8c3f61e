import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite, type SiteReport } from "../kernel/export/site";
import { BROWSER_WAIT_MS, fileUrl, launchChromium, openWatchedPage, skipBrowser, type Session } from "./export-chromium";

/**
 * Figures whose drawing fetches from the network: geo traces (Plotly loads
 * its world map from a CDN unless the map is at hand), map traces and map
 * styles, layout images, image traces and template images with http URLs.
 * The site of an untrusted notebook must make no request that is not
 * file://; a trusted one may, but its maps come from the site either way.
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
    // The two geographic figures lose nothing: their maps ship with the site.
    expect(html.match(/class="gl-note gl-remote-note"/g)).toHaveLength(FIGURES - 2);
    expect(html).toContain("Left out of this untrusted figure: layout images from a URL (from outside the page). Trusting the notebook shows it.");
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

  it.each(["untrusted", "trusted"] as const)("the %s page draws the geographic figures' maps with every request outside file:// blocked", async (trust) => {
    const watched = await openWatchedPage(session.browser);
    await watched.page.goto(fileUrl(pageOf(sites[trust])), { waitUntil: "load" });
    // Both draw the world's coastlines from the map; the choropleth also fills France and Germany.
    const drawn = await watched.page.waitForFunction(
      () => {
        const coastlines = document.querySelectorAll(".js-plotly-plot .geo .coastlines path").length;
        const filled = document.querySelectorAll(".js-plotly-plot .choroplethlocation").length;
        return coastlines >= 2 && filled >= 2 ? { coastlines, filled } : false;
      },
      undefined,
      { timeout: BROWSER_WAIT_MS },
    );
    expect(await drawn.jsonValue()).toMatchObject({ filled: 2 });
    expect(watched.blockedRequests.filter((url) => url.includes("cdn.plot.ly"))).toEqual([]);
    // A trusted map figure keeps its remote style, which the blocked network fails ("Map error.").
    expect(watched.pageErrors.filter((error) => trust === "untrusted" || error !== "Map error.")).toEqual([]);
    await watched.page.close();
  });

  it("a trusted notebook's page does request the rest (so the payloads above are real)", async () => {
    const watched = await openWatchedPage(session.browser);
    await watched.page.goto(fileUrl(pageOf(sites.trusted)), { waitUntil: "load" });
    await expect.poll(() => watched.blockedRequests.filter((url) => url.includes("example.test")).length, { timeout: BROWSER_WAIT_MS }).toBeGreaterThanOrEqual(1);
    await watched.page.close();
  });
});
