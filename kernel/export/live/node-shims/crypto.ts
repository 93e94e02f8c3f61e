import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** The two node:crypto calls the display code makes (figure element ids, display ids), for the browser bundle. */
export function createHash(algorithm: string): { update(text: string): { digest(encoding: "hex"): string } } {
  if (algorithm !== "sha256") throw new Error(`the browser build hashes with sha256 only, not ${algorithm}`);
  return { update: (text) => ({ digest: () => bytesToHex(sha256(utf8ToBytes(text))) }) };
}

export function randomUUID(): string {
  return crypto.randomUUID();
}
