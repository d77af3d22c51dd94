import { it } from "vitest";
import { violations, visible } from "./invariants.js";
import { BUSINESS, DESK_THEN_REPAIR, run } from "./scenarios.js";

it("explore", async () => {
  const clean = await run({ config: BUSINESS, faults: { seed: 0 }, steps: DESK_THEN_REPAIR });
  const ref = JSON.stringify(clean.state.items.map(visible));
  for (let seed = 1; seed <= 60; seed++) {
    const f = await run({ config: BUSINESS, faults: { seed, error_rate: 0.3, applied_on_error: 0.6, secondary_rate_limit: 0.1, drop_webhooks: 0.25, delay_webhooks: 0.15 }, steps: DESK_THEN_REPAIR });
    const v = violations(f);
    const same = JSON.stringify(f.state.items.map(visible)) === ref;
    if (v.length || !same || f.state.errors.length) {
      console.log(seed, JSON.stringify(f.faults?.counts), v, same, f.state.errors);
      if (!same) {
        const a = clean.state.items.map(visible), b = f.state.items.map(visible);
        for (let i = 0; i < a.length; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) console.log("DIFF", JSON.stringify(a[i]).slice(0,1500), "\n VS \n", JSON.stringify(b[i]).slice(0,1500));
      }
    }
  }
}, 600000);
