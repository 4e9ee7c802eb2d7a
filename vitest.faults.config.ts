import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

/**
 * `npm run test:faults` (issue 4): the fault run and the security suite under tests/faults/.
 * Sized for a few minutes on two cores; the fault run needs DATABASE_URL (PostgreSQL) and is
 * skipped, saying so, without it.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: "@", replacement: fileURLToPath(new URL("./", import.meta.url)) },
      // next-auth imports Next's entry points without extensions (Next's bundler allows it, Node's ESM does not)
      { find: /^next\/(server|headers|navigation|cache)$/, replacement: "next/$1.js" },
    ],
  },
  test: {
    include: ["tests/faults/**/*.test.ts", "tests/faults/**/*.test.tsx"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    env: { NODE_ENV: "test" },
    // processed by vite, so the tests' stand-ins for Next's request scope (vi.mock) reach them
    server: { deps: { inline: ["next-auth", "next-intl"] } },
  },
});
