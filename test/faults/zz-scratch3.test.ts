import { it } from "vitest";
import { violations } from "./invariants.js";
import { run } from "./scenarios.js";
import { formBody } from "../e2e/scenario-builder.js";

it.each([false, true])("race processes=%s", async (procs) => {
  for (const kind of ["issue", "discussion"] as const) {
    const open = { open: { kind, number: 1, author: "alice", title: "x", body: formBody({ priority: "P1", environment: "Staging" }), labels: ["security"], ...(kind === "discussion" ? { category: "support" } : {}) } };
    const steps = [{ concurrently: [open, { label: { number: 1, label: "P2", by: "carol" } }, { comment: { number: 1, author: "alice", body: "more info" } }, { label: { number: 1, label: "production", by: "mike" } }] }];
    const t = Date.now();
    const r = await run({ steps, faults: { seed: 1, latency_ms: 20 } }, { replicas: 2, replicaProcesses: procs });
    console.log(kind, procs, Date.now() - t, "ms", violations(r), r.state.errors, JSON.stringify(r.state.items[0]?.labels), r.state.items[0]?.comments.filter(c=>c.author.includes("bot")).map(c=>c.body.slice(0,50) + " … " + c.body.slice(-200)));
  }
}, 120000);
