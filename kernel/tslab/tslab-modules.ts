import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * Where the kernel takes tslab's engine from: the copy nearest the
 * notebook's folder, as tslab itself picks it, else the project's own.
 * Everything tslab loads (TypeScript, zeromq) is then required through it.
 */
export function tslabRequire(cwd: string): NodeRequire {
  let main: string;
  try {
    main = createRequire(join(cwd, "kernel.js")).resolve("tslab/dist/main.js");
  } catch {
    main = require.resolve("tslab/dist/main.js");
  }
  return createRequire(main);
}

/** TypeScript's version as tslab's copy states it, read without loading the 8 MB compiler. */
export function typescriptVersion(fromTslab: NodeRequire): string {
  return (fromTslab("@tslab/typescript-for-tslab/package.json") as { version: string }).version;
}
