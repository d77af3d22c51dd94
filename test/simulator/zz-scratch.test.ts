import { it } from "vitest";
import { readFileSync } from "node:fs";
import { runScenario } from "../../src/simulator/harness.js";
import { narrate } from "../../src/simulator/narrate.js";
it("run", async () => {
  const f = process.env.SCEN ?? "/tmp/sim/t1.yml";
  const r = await runScenario(readFileSync(f, "utf8"), f);
  console.log(narrate(r, { color: false }));
  console.log(JSON.stringify(r.state, null, 1));
});
