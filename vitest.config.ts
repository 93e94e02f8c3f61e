import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Kernel and browser tests start real processes; give them room, but
    // never use time as an assertion (speed goals live in `npm run bench`).
    // A page that parses plotly.js took up to 16 s here with both cores busy; a test opening several needs minutes.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
