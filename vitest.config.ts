import { defineConfig } from "vitest/config";

/**
 * Three tiers from one config:
 * - unit: `*.test.ts` beside the code, no services;
 * - int: `*.int.test.ts`, against real PostgreSQL and Redis (each test file gets its own database);
 * - e2e: `*.e2e.test.ts`, the built app driven in Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{apps,packages}/*/{src,test}/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "int",
          include: ["{apps,packages}/*/{src,test}/**/*.int.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        test: {
          name: "e2e",
          include: ["{apps,packages}/*/{src,test}/**/*.e2e.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: "forks",
          fileParallelism: false,
          // A browser journey on a shared 2-core machine can miss one 30 s wait; a second try must pass whole.
          retry: 1,
        },
      },
    ],
  },
});
