/** node:fs/promises for the browser bundle: the notebook model reads files, which the page never does (it only uses joinText). */
export {};
