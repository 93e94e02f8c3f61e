import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { fileUrl, siteInChromium, skipBrowser } from "./export-chromium";

// The exported course site opened from file:// in headless Chromium with the network blocked.
const FIXTURES = path.join(__dirname, "fixtures", "export");

describe.skipIf(skipBrowser)("exported site in Chromium", () => {
  const site = siteInChromium(FIXTURES);

  it("exports the three fixture notebooks, in file-name order", () => {
    expect(site.report.pages.map((p) => p.file)).toEqual(["01-the-loss.html", "02-gradients.html", "03-hostile.html"]);
    expect(site.report.pages.map((p) => p.figures)).toEqual([1, 2, 1]);
  });

  it("draws every page's figures, renders its math, and logs no errors or requests", async () => {
    for (const p of site.report.pages) {
      const w = await site.open(p.file, p.figures);
      const state = await w.page.evaluate(() => ({
        plots: document.querySelectorAll(".js-plotly-plot").length,
        svgs: document.querySelectorAll(".js-plotly-plot .main-svg").length,
        katex: document.querySelectorAll(".katex").length,
        text: document.body.innerText,
        h1: document.querySelector("main h1")?.textContent ?? "",
      }));
      expect(state.plots, p.file).toBe(p.figures);
      expect(state.svgs, p.file).toBeGreaterThanOrEqual(p.figures);
      expect(state.text, p.file).not.toContain("$$");
      expect(w.consoleErrors, p.file).toEqual([]);
      expect(w.pageErrors, p.file).toEqual([]);
      expect(w.blockedRequests, p.file).toEqual([]);
      if (p.file === "01-the-loss.html") {
        expect(state.h1).toBe("The loss");
        // Two display equations, inline math in prose, and the equation table's five.
        expect(state.katex).toBeGreaterThanOrEqual(9);
        expect(state.text).toContain("0.25");
      }
      if (p.file === "02-gradients.html") {
        // The pasted picture is drawn from its data URI; the missing attachment left no image behind.
        const images = await w.page.evaluate(() =>
          Array.from(document.querySelectorAll("main img")).map((img) => [img.getAttribute("alt"), (img as HTMLImageElement).complete, (img as HTMLImageElement).naturalWidth]),
        );
        expect(images).toEqual([["the seed network", true, 12]]);
      }
      await w.page.close();
    }
  });

  it("links the index to every page, and each page to its neighbours", async () => {
    const w = await site.open("index.html", 0);
    const links = await w.page.$$eval("a.gl-index-link", (as) => as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent })));
    expect(links.map((l) => l.href)).toEqual(site.report.pages.map((p) => p.file));
    expect(links[0]?.text).toBe("The loss");
    const summary = await w.page.textContent(".gl-summary");
    expect(summary).toContain("How far the output");
    // Only the landing matters here (figures are checked above), so no wait for plotly.js to run.
    for (const p of site.report.pages) {
      await w.page.goto(fileUrl(path.join(site.report.out, "index.html")));
      await w.page.click(`a.gl-index-link[href="${p.file}"]`, { noWaitAfter: true });
      // "commit" is too early: the parser may have made the h1 but not yet its text.
      await w.page.waitForURL(fileUrl(path.join(site.report.out, p.file)), { waitUntil: "domcontentloaded" });
      const h1 = await w.page.locator("main h1").first().textContent();
      expect(h1?.replace(/\s+/g, " ").trim()).toBe(p.title);
    }
    // evaluateAll does not wait for elements, so the page must be parsed first.
    await w.page.goto(fileUrl(path.join(site.report.out, "02-gradients.html")), { waitUntil: "domcontentloaded" });
    const pager = await w.page.locator(".gl-pager").first().locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(pager).toEqual(["01-the-loss.html", "index.html", "03-hostile.html"]);
    expect(w.blockedRequests).toEqual([]);
    await w.page.close();
  });

  it("keeps hostile notebook content inert: no script, onerror or javascript: link runs", async () => {
    for (const file of ["index.html", "03-hostile.html"]) {
      // site.open returns after the load event: by then every payload that runs on load (a script as it is parsed,
      // an image's onerror, an iframe's script) would have set window.__glPwned, since images and frames hold up load.
      const w = await site.open(file, file === "index.html" ? 0 : 1);
      type Flags = { __glPwned?: string; __glControl?: string };
      const pwnedOnLoad = await w.page.evaluate(() => (window as Flags).__glPwned ?? null);
      // Click everything that came from a notebook: an onclick handler runs inside click(), before it returns. A
      // control element with a handler of the test's own, clicked in the same sweep, proves the sweep reaches handlers.
      const clicked = await w.page.evaluate(() => {
        const control = document.createElement("span");
        control.setAttribute("onclick", "window.__glControl = 'clicked'");
        (document.querySelector(".gl-cell, .gl-summary") ?? document.body).append(control);
        const notebookContent = Array.from(document.querySelectorAll(".gl-cell *, .gl-summary *"));
        // A javascript: link would navigate in a later task; clicking it proves nothing, its href is checked below.
        // A drawn figure is plotly.js's own SVG, not the notebook's markup (and plotly.js throws on synthetic clicks);
        // the live cells' editor and buttons (.gl-live) are the site's own, and Run would replace the outputs checked below.
        const clickable = notebookContent.filter((element) => !(element instanceof HTMLAnchorElement) && !element.closest(".js-plotly-plot, .gl-live"));
        // dispatchEvent (unlike click()) reaches SVG elements too, and runs the handlers before it returns.
        for (const element of clickable) element.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        return { pwned: (window as Flags).__glPwned ?? null, control: (window as Flags).__glControl ?? null };
      });
      const state = await w.page.evaluate(() => ({
        scripts: Array.from(document.querySelectorAll("main script")).filter((s) => s.getAttribute("type") !== "application/json").length,
        handlers: document.querySelectorAll("main [onerror], main [onclick]:not([onclick^='window.__glControl']), main iframe").length,
        scriptLinks: Array.from(document.querySelectorAll<HTMLAnchorElement>("a[href]")).filter((a) => a.protocol === "javascript:").map((a) => a.outerHTML),
        text: document.body.innerText,
      }));
      expect(pwnedOnLoad, file).toBeNull();
      expect(clicked, file).toEqual({ pwned: null, control: "clicked" });
      expect(state.scriptLinks, file).toEqual([]);
      expect(state.scripts, file).toBe(0);
      expect(state.handlers, file).toBe(0);
      expect(w.pageErrors, file).toEqual([]);
      if (file === "03-hostile.html") {
        // Escaped text outputs show the markup as text, and the figure still draws.
        expect(state.text).toContain("<script>window.__glPwned='plain'</script>");
        expect(state.text).toContain("bold stays");
        expect(await w.page.locator(".js-plotly-plot").count()).toBe(1);
      }
      await w.page.close();
    }
  });

  it("switches to the dark theme and redraws figures without errors", async () => {
    const w = await site.open("01-the-loss.html", 1);
    await w.page.click(".gl-theme-toggle");
    const state = await w.page.evaluate(() => ({
      theme: document.documentElement.getAttribute("data-theme"),
      background: getComputedStyle(document.body).backgroundColor,
    }));
    expect(state.theme).toBe("dark");
    expect(state.background).toBe("rgb(13, 17, 23)");
    expect(await w.page.locator(".js-plotly-plot").count()).toBe(1);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.page.close();
  });

  it("prints without the navigation, in black on white even from the dark theme, figures kept", async () => {
    const w = await site.open("01-the-loss.html", 1);
    await w.page.click(".gl-theme-toggle");
    const tickColour = () => w.page.evaluate(() => (document.querySelector(".js-plotly-plot .xtick text") as SVGElement | null)?.style.fill ?? "none");
    expect(await tickColour()).toBe("rgb(230, 237, 243)"); // the dark theme's light text
    await w.page.emulateMedia({ media: "print" });
    await w.page.waitForFunction(() => (document.querySelector(".js-plotly-plot .xtick text") as SVGElement | null)?.style.fill === "rgb(0, 0, 0)", undefined, { timeout: 60_000 }).catch(() => undefined);
    expect(await tickColour()).toBe("rgb(0, 0, 0)");
    const state = await w.page.evaluate(() => ({
      hidden: [".gl-bar", ".gl-pager", ".gl-toc"].map((selector) => {
        const element = document.querySelector(selector);
        return element ? getComputedStyle(element).display : "absent";
      }),
      theme: document.documentElement.getAttribute("data-theme"),
      background: getComputedStyle(document.body).backgroundColor,
      colour: getComputedStyle(document.body).color,
      figureWidth: document.querySelector(".js-plotly-plot")?.getBoundingClientRect().width ?? 0,
    }));
    expect(state.hidden).toEqual(["none", "none", "none"]);
    expect(state.theme).toBe("dark");
    expect(state.background).toBe("rgb(255, 255, 255)");
    expect(state.colour).toBe("rgb(0, 0, 0)");
    expect(state.figureWidth).toBeGreaterThan(300);
    const pdf = await w.page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await w.page.emulateMedia({ media: "screen" });
    await w.page.waitForFunction(() => (document.querySelector(".js-plotly-plot .xtick text") as SVGElement | null)?.style.fill !== "rgb(0, 0, 0)", undefined, { timeout: 60_000 }).catch(() => undefined);
    expect(await tickColour()).toBe("rgb(230, 237, 243)");
    expect(w.pageErrors).toEqual([]);
    await w.page.close();
  });
});
