import { defineConfig } from "vitest/config";

// In CI, also write a JSON report so .ci/run can print a plain "N passed, N failed" line.
const ci = process.env.CI === "true";

/**
 * Two projects. `unit`: the pure decision core and the pure helpers around it — no server,
 * no simulator, no child process — run in worker threads sharing one module graph (the
 * modules import once, not once per file), about 30 s here: `npm run test:unit`, the fast
 * loop. `system`: everything else (Probot servers, the simulator, e2e, faults, fuzz of the
 * whole stack, Redis, the bench smoke test), each file in its own process. `npm test` runs both.
 */
const UNIT = [
  "test/triage/**/*.test.ts",
  "test/config/**/*.test.ts",
  "test/calendar/**/*.test.ts",
  "test/target/**/*.test.ts",
  "test/github/queries.test.ts",
  "test/github/webhook.test.ts",
  "test/handlers/events.test.ts",
  "test/handlers/lock.test.ts",
  "test/handlers/setup.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ci ? ["default", ["json", { outputFile: ".ci/test-results.json" }]] : ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: UNIT, pool: "threads", isolate: false } },
      { extends: true, test: { name: "system", include: ["test/**/*.test.ts"], exclude: UNIT, pool: "forks" } },
    ],
  },
});
