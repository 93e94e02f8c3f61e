import { basename, dirname, resolve } from "node:path";

/**
 * The project's root folder, where package.json, kernel/ (with the files the
 * export and nbconvert read as they are: site assets, templates) and dist/
 * live. This file sits in kernel/, or in dist/kernel/ once built.
 */
export function projectRoot(): string {
  return basename(dirname(__dirname)) === "dist" ? resolve(__dirname, "..", "..") : resolve(__dirname, "..");
}
