import { it } from "vitest";
import { planItem } from "../../src/triage/planner.js";
import { applyPlan, anIssue, supportBody, optionFor, input, ms, T0, HOUR, labelEvent, edited, alice } from "./helpers.js";
it("dbg", () => {
  const mallory = { login: "mallory", isBot: false };
  const item = anIssue({ body: supportBody({ priority: optionFor("P2"), environment: "Production" }), labelEvents: [labelEvent({ label: "P1", actor: mallory, createdAt: new Date(ms(T0)).toISOString() })] });
  const p1 = planItem(input({ item, trigger: { type: "sweep" } }));
  const a1 = applyPlan(item, p1, ms(T0)).item;
  console.log(JSON.stringify(p1.decisions), a1.labels);
  const changed = { ...a1, labels: ["P1"] };
  const p2 = planItem(input({ item: changed, trigger: edited(alice), now: ms(T0) + HOUR }));
  console.log(JSON.stringify(p2.decisions), JSON.stringify(p2.actions.map(a => a.type)));
  const a2 = applyPlan(changed, p2, ms(T0) + HOUR).item;
  console.log(a2.labels, JSON.stringify(a2.labelEvents));
  const p3 = planItem(input({ item: a2, trigger: edited(alice), now: ms(T0) + HOUR }));
  console.log(JSON.stringify(p3.decisions), JSON.stringify(p3.actions, null, 1));
});
