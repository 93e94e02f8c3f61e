import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The connection file's content ("Making kernels for Jupyter", connection files). */
export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name?: string;
}

export const LOOPBACK = "127.0.0.1";

/**
 * Asks the operating system for a free loopback port. Another process could
 * take it before the kernel binds it; jupyter_client lives with the same race.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port the system gave"));
      });
    });
  });
}

export async function newConnectionInfo(kernelName?: string): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [shell, iopub, stdin, control, hb] = [...ports] as [number, number, number, number, number];
  return {
    transport: "tcp",
    ip: LOOPBACK,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    ...(kernelName ? { kernel_name: kernelName } : {}),
  };
}

/** The prefix of each kernel's private connection folder, so the kernel can tell the folder is ours to remove. */
export const CONNECTION_FOLDER_PREFIX = "gradient-lab-kernel-";

export interface ConnectionFile {
  path: string;
  remove(): Promise<void>;
  /** For process exit, when nothing asynchronous runs any more. */
  removeNow(): void;
}

/**
 * Writes the connection file into a private temporary folder. The file holds
 * the signing key, so only its owner may read it (mode 0600, folder 0700).
 */
export async function writeConnectionFile(info: ConnectionInfo): Promise<ConnectionFile> {
  const folder = await mkdtemp(join(tmpdir(), CONNECTION_FOLDER_PREFIX));
  const path = join(folder, "connection.json");
  await writeFile(path, JSON.stringify(info, null, 2), { mode: 0o600, flag: "wx" });
  return {
    path,
    remove: () => rm(folder, { recursive: true, force: true }),
    removeNow: () => rmSync(folder, { recursive: true, force: true }),
  };
}

export function address(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}
