import { it } from "vitest";
import { formBody } from "../e2e/scenario-builder.js";
import { appComments, kindOf } from "./invariants.js";
import { run } from "./scenarios.js";
it("count supersede", async () => {
  for (let i = 0; i < 2; i++) {
    const open = (kind: "issue" | "discussion", number: number) => ({ open: { kind, number, author: "alice", title: "x", body: formBody({ priority: "P1", environment: "Staging" }), labels: ["security"], ...(kind === "discussion" ? { category: "support" } : {}) } });
    const burst = (number: number) => [{ label: { number, label: "P2", by: "carol" } }, { comment: { number, author: "alice", body: "More details." } }, { label: { number, label: "production", by: "mike" } }];
    const r = await run({ faults: { seed: 1, latency_ms: 30 }, steps: [{ concurrently: [1].flatMap(n => [open(n % 2 ? "issue" : "discussion", n), ...burst(n)]) }] }, { replicas: 2, replicaProcesses: true });
    const steps = r.timeline.findIndex(e => e.type === "step");
    console.log(r.timeline.slice(steps).filter(e => e.type === "api" || e.type === "delivery" || e.type === "plan").map(e => e.type === "api" ? `${e.request.method} ${e.request.path} ${e.request.mutation ? "M" : ""}` : e.type === "delivery" ? `DELIVER ${e.event}.${e.action} -> ${e.replica}` : e.type === "plan" ? `PLAN ${e.plan.trigger} ${e.plan.actions.join("|")}` : "").join("\n"));
    console.log(r.state.items.filter(x=>x.number<=4).map((f) => appComments(f).map((c) => kindOf(c.body)).join(",")));
  }
}, 100000);
