import { join } from "node:path";
import { projectRoot } from "../project-root";
import { hashFolder, hashValue } from "./content-hash";
import { dependencyVersions } from "./installed-versions";

let memo: Promise<string> | undefined;

/**
 * The export as built, as one hash: this project's compiled scripts (the
 * renderers and everything they import), the site's own assets, and the
 * installed versions of KaTeX, markdown-it, highlight.js, sanitize-html and
 * plotly.js. Read once per process.
 */
export function exportBuildHash(): Promise<string> {
  memo ??= (async () => {
    const root = projectRoot();
    return hashValue({
      code: await hashFolder(join(root, "dist"), (file) => file.endsWith(".js") && !file.startsWith("bench/")),
      assets: await hashFolder(join(root, "kernel", "export", "assets")),
      dependencies: dependencyVersions(join(root, "package.json")),
    });
  })();
  return memo;
}
