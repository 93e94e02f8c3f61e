import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Kernel and browser tests start real processes; give them room, but
    // never use time as an assertion (speed goals live in `npm run bench`).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
