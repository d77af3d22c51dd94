import { it } from "vitest";
import { violations } from "./invariants.js";
import { run, openIssue } from "./scenarios.js";

it("config issue under faults", async () => {
  for (let seed = 1; seed <= 30; seed++) {
    const r = await run({ config: "plan: platinum\n", faults: { seed, error_rate: 0.5, applied_on_error: 1 }, steps: [openIssue(1, "alice", { priority: "P3", environment: "Staging" }), openIssue(2, "bob", { priority: "P3", environment: "Staging" }), { faults: "off" }, { sweep: {} }] });
    const issues = r.state.items.filter((i) => i.author.includes("bot"));
    if (issues.length !== 1 || violations(r).length) console.log(seed, issues.map((i) => [i.number, i.state]), violations(r), r.state.errors);
  }
}, 300000);
