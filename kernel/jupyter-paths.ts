import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where Jupyter looks for data (kernelspecs live in `<data dir>/kernels`).
 * This mirrors jupyter_core's rules so no Python is needed to find them.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  if (platform === "darwin") return join(homedir(), "Library", "Jupyter");
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** `--prefix DIR` installs into DIR/share/jupyter, as `jupyter kernelspec install --prefix` does. */
export function prefixDataDir(prefix: string): string {
  return join(prefix, "share", "jupyter");
}
