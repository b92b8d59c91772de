import { defineConfig } from "vitest/config";

const include = [
  "{apps,packages,bench}/*/src/**/*.test.{ts,tsx}",
  "{apps,packages}/*/test/**/*.test.ts",
  "test/**/*.test.ts",
];
const exclude = ["**/node_modules/**", "**/dist/**"];
/** Tests that time the machine (`*.alone.test.ts`): they run after the rest, one at a time. */
const alone = "**/*.alone.test.ts";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "tests",
          include,
          exclude: [...exclude, alone],
          // Two cores: integration suites start servers and models; more forks only contend.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "alone",
          include: [alone],
          exclude,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
