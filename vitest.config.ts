import { defineConfig } from "vitest/config";

// In CI, also write a JSON report so .ci/run can print a plain "N passed, N failed" line.
const ci = process.env.CI === "true";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    reporters: ci ? ["default", ["json", { outputFile: ".ci/test-results.json" }]] : ["default"],
  },
});
