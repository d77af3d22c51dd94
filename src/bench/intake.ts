/**
 * GitHub API requests per intake of a form item: a customer submits the support form,
 * GitHub sends `issues.opened` (or `discussion.created`), the app labels the item and
 * posts its target comment, and GitHub sends the events those writes cause back to the
 * app (which ignores its own). Everything the app asked GitHub for, from the customer's
 * event until the last of those echoes, is charged to the intake.
 *
 * Cold is the first event of a fresh process (installation token, the app's identity);
 * warm is every later intake, and the figure is the worst of them.
 */
import type { ItemKind } from "../simulator/model.js";
import { formBody, startRig, tally, type RequestTally } from "./rig.js";

export interface IntakeResult {
  readonly kind: ItemKind;
  readonly cold: RequestTally;
  /** The warm intake with the most counted requests. */
  readonly warmWorst: RequestTally;
  readonly warmMean: number;
  readonly warmSamples: number;
  /** Every intake ended with a priority label and exactly one target comment. */
  readonly triaged: boolean;
  readonly errors: readonly string[];
}

const AUTHORS = ["alice", "wanda", "erin", "bob"];

export async function measureIntake(kind: ItemKind, options: { isolate: boolean; warmSamples: number }): Promise<IntakeResult> {
  const rig = await startRig({ isolate: options.isolate });
  try {
    const repo = rig.repos[0];
    if (!repo) throw new Error("no repository");
    const tallies: RequestTally[] = [];
    let triaged = true;
    for (let i = 0; i <= options.warmSamples; i++) {
      const number = repo.nextNumber;
      const author = rig.world.user(AUTHORS[i % AUTHORS.length] ?? "alice");
      const environment = i % 3 === 0 ? "Staging" : "Production";
      const item = rig.world.openItem(repo, {
        kind,
        number,
        author,
        title: `Import stopped (${i})`,
        body: formBody({ priority: i % 4, environment }),
        labels: [],
        category: kind === "discussion" ? "support" : null,
      });
      const mark = rig.sim.log.length;
      await rig.drain();
      tallies.push(tally(rig.sim.log.slice(mark)));
      const targetComments = item.comments.filter((c) => c.author.login === rig.world.bot.login && c.body.includes("support-triage:target"));
      if (!item.labels.some((l) => /^P[1-4]$/.test(l.name)) || targetComments.length !== 1) triaged = false;
    }
    const [cold, ...warm] = tallies;
    if (!cold) throw new Error("no intake measured");
    const warmWorst = warm.reduce((a, b) => (b.counted > a.counted ? b : a), warm[0] ?? cold);
    const warmMean = warm.length ? warm.reduce((s, t) => s + t.counted, 0) / warm.length : cold.counted;
    return { kind, cold, warmWorst, warmMean, warmSamples: warm.length, triaged, errors: [...(await rig.host.errors()), ...rig.sim.errors] };
  } finally {
    await rig.stop();
  }
}
