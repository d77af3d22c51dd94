import { it } from "vitest";
import { violations } from "./invariants.js";
import { run, openIssue, openDiscussion } from "./scenarios.js";
import { formBody } from "../e2e/scenario-builder.js";

const burst = (n: number, kind: "issue" | "discussion") => {
  const out: Record<string, unknown>[] = [];
  const labels = ["P4", "P2", "P1", "production", "P3", "security"];
  for (let i = 0; i < n; i++) {
    const label = labels[i % labels.length]!;
    const r = i % 5;
    if (r === 0 || r === 1) out.push({ label: { number: 1, label, by: i % 2 ? "carol" : "mike" } });
    else if (r === 2) out.push({ unlabel: { number: 1, label, by: "carol" } });
    else if (r === 3) out.push({ edit: { number: 1, by: "alice", body: formBody({ priority: (["P1","P2","P3","P4"] as const)[i % 4]!, environment: i % 3 ? "Production" : "Staging", description: `edit ${i}` }) } });
    else out.push({ comment: { number: 1, author: i % 3 ? "alice" : "carol", body: `comment ${i}` } });
  }
  return out;
};

it.each([1, 2] as const)("replicas %i", async (replicas) => {
  for (const kind of ["issue", "discussion"] as const) {
    const open = kind === "issue" ? openIssue(1, "alice", { priority: "P2", environment: "Production" }) : openDiscussion(1, "alice", { priority: "P2", environment: "Production" });
    const steps = [open, { concurrently: burst(50, kind) }, { redeliver: { times: 10, concurrently: true } }];
    const t = Date.now();
    const r = await run({ steps }, { replicas, replicaProcesses: replicas > 1 });
    console.log(kind, replicas, Date.now() - t, "ms", violations(r), r.state.errors, JSON.stringify(r.state.items[0]?.labels), r.state.items[0]?.comments.filter(c=>c.author.includes("bot")).map(c=>c.body.slice(0,60)));
    const s = await run({ steps: [...steps, { sweep: {} }] }, { replicas, replicaProcesses: replicas > 1 });
    console.log("after sweep", violations(s));
  }
}, 120000);
