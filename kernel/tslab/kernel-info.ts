import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../project-root";
import { PROTOCOL_VERSION } from "../wire/message";

/**
 * The kernel_info_reply's content. It needs nothing the compiler computes,
 * so the kernel answers it as soon as its sockets are bound, on shell and on
 * control alike, while TypeScript still loads.
 */
export function kernelInfo(typescriptVersion: string): Record<string, unknown> {
  const version = (JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "gradient-lab",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: typescriptVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      // JupyterLab reads `mode`, the classic Notebook `name` with `typescript` (tslab's finding, its issue 18).
      codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      pygments_lexer: "typescript",
      nbconvert_exporter: "script",
    },
    banner: `gradient-lab ${version}: TypeScript ${typescriptVersion} on Node.js ${process.version}, compiled by tslab`,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: `https://nodejs.org/docs/${process.version}/api/` },
    ],
    debugger: false,
  };
}
