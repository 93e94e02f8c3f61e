/** node:v8 for the browser bundle: a browser's V8 takes no flags from a page (relaxed SIMD is on where the browser ships it). */
export function setFlagsFromString(): void {}
