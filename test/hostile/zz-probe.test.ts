import { it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
it("probe", () => {
  const cases: Record<string,string> = {
    manyKeys: Array.from({length: 25000}, (_, i) => `k${i}: 1`).join("\n"),
    manyCustomers: "customers:\n" + Array.from({length: 20000}, (_, i) => `  u${i}: x`).join("\n"),
    manyFlowKeys: "{" + Array.from({length: 30000}, (_, i) => `k${i}: 1`).join(",") + "}",
    manySeq: "escalation:\n  contacts:\n" + Array.from({length: 30000}, (_, i) => `    - "@u${i}"`).join("\n"),
    manyDates: "holidays:\n  add:\n" + Array.from({length: 20000}, (_, i) => `    - 2026-01-${String(i%28+1).padStart(2,"0")}`).join("\n"),
    manyBadKeys: "targets:\n" + Array.from({length: 20000}, (_, i) => `  p${i}: {P1: 1h}`).join("\n"),
    qmark: "? ".repeat(5000) + "x",
    longKey: "x".repeat(200000) + ": 1",
    longTz: "timezone: " + "A".repeat(200000),
    typoPlans: "plan: " + "b".repeat(200000),
    anchors: Array.from({length: 5000}, (_, i) => `k${i}: &a${i} 1`).join("\n"),
    deepSeq: "- ".repeat(30) + "x",
    deep40: "targets: " + "[".repeat(40) + "]".repeat(40),
    ctrl: "plan: \"\\u202e\\u0085x\"\n\"time\\u0001zone\": x\n",
  };
  for (const [name, text] of Object.entries(cases)) {
    const t = Date.now();
    try {
      const r = loadConfig(text);
      console.log(name, text.length, Date.now()-t, "ms", r.config ? "config" : "", r.errors.length, JSON.stringify(r.errors.slice(0,2)).slice(0,400));
    } catch (e) { console.log(name, "THREW", Date.now()-t, String(e).slice(0,300)); }
  }
});
