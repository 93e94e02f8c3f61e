// The fingerprint of everything the prebuilt extension is made from. build.mjs
// records it in prebuilt/package.json; a test recomputes it, so a source edited
// without `npm run build` here fails that test instead of shipping a stale build.
const { createHash } = require("node:crypto");
const { readFileSync, readdirSync } = require("node:fs");
const { join } = require("node:path");

const SOURCES = ["package.json", "package-lock.json", "core/package.json", "tsconfig.json", "build.mjs", "../names.ts", "../untrusted-figure.ts"];

function sourceHash(folder = __dirname) {
  const files = [...SOURCES, ...readdirSync(join(folder, "src")).sort().map((name) => `src/${name}`)];
  const hash = createHash("sha256");
  // Line endings normalised, so a checkout on Windows agrees with the build.
  for (const file of files) hash.update(`${file}\n${readFileSync(join(folder, file), "utf8").replace(/\r\n/g, "\n")}\n`);
  return hash.digest("hex");
}

module.exports = { sourceHash };
