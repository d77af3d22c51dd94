import { it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
it("probe", () => {
  const cases: Record<string,string> = {};
  for (const n of [500, 1000, 2000, 3000, 5000, 10000, 50000]) {
    cases["flow"+n] = "a: " + "[".repeat(n) + "]".repeat(n);
    cases["dash"+n] = "plan: " + "- ".repeat(n) + "x";
    cases["qmark"+n] = "? ".repeat(n) + "x";
    cases["mapflow"+n] = "targets: " + "{a: ".repeat(n) + "1" + "}".repeat(n);
  }
  for (const [name, text] of Object.entries(cases)) {
    const t = Date.now();
    try {
      const r = loadConfig(text);
      console.log(name, Date.now()-t, "ms", r.config ? "config" : "", JSON.stringify(r.errors.slice(0,2)).slice(0,400));
    } catch (e) { console.log(name, "THREW", Date.now()-t, String(e).slice(0,300)); }
  }
});
