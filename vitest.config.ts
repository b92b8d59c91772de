import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "{apps,packages,bench}/*/src/**/*.test.{ts,tsx}",
      "{apps,packages}/*/test/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration suites start servers and models; more forks only contend.
    maxWorkers: 2,
    pool: "forks",
  },
});
