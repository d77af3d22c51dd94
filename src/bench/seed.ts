/**
 * Seeds the simulator's model with tracked items directly, without webhooks: creating
 * 10,000 items through the app would measure intake, not the sweep. Each item is given
 * exactly what the app would have given it — the planner (pure) decides the labels and
 * the target comment for "a maintainer labelled it at creation", and those actions are
 * applied to the model as the app's bot — so a sweep over a seeded repository sees the
 * same state as over one the app triaged itself, and has nothing to write unless an item
 * is overdue.
 */
import type { Config } from "../config/types.js";
import { isoTime, type SimComment, type SimItem, type SimRepo, type SimUser, type World } from "../simulator/model.js";
import { planItem } from "../triage/planner.js";
import type { Action, Actor, Item, ItemComment } from "../triage/types.js";

const actor = (u: SimUser): Actor => ({ login: u.login, isBot: u.type === "Bot" });

const comment = (c: SimComment): ItemComment => ({
  id: c.nodeId,
  author: actor(c.author),
  authorAssociation: c.association,
  createdAt: isoTime(c.createdAt),
  body: c.body,
  replyTo: c.replyTo?.nodeId ?? null,
});

/** The planner's view of a simulated item (what the app's GraphQL read would produce). */
export function itemOf(sim: SimItem): Item {
  return {
    kind: sim.kind,
    owner: sim.repo.owner.login,
    repo: sim.repo.name,
    number: sim.number,
    nodeId: sim.nodeId,
    title: sim.title,
    body: sim.body,
    author: actor(sim.author),
    authorAssociation: sim.association,
    createdAt: isoTime(sim.createdAt),
    state: sim.state,
    labels: sim.labels.map((l) => l.name),
    categorySlug: sim.category?.slug ?? null,
    assignees: sim.assignees.map((u) => u.login),
    comments: sim.comments.map(comment),
    ...(sim.kind === "issue"
      ? { labelEvents: sim.events.map((e) => ({ label: e.label.name, actor: actor(e.actor), createdAt: isoTime(e.createdAt), added: e.added })) }
      : {}),
  };
}

/** Applies the planner's actions to the model as the app's bot (no HTTP involved). */
export function applyToModel(world: World, item: SimItem, actions: readonly Action[]): void {
  const repo = item.repo;
  const bot = world.bot;
  for (const a of actions) {
    switch (a.type) {
      case "ensureLabels":
        for (const l of a.labels) if (!world.findLabel(repo, l.name)) world.createLabel(repo, l.name, l.color, l.description, bot);
        break;
      case "addLabels":
        world.addLabels(item, a.labels.map((n) => world.labelNamed(repo, n)), bot);
        break;
      case "removeLabels":
        world.removeLabels(item, a.labels.flatMap((n) => world.findLabel(repo, n) ?? []), bot);
        break;
      case "createTargetComment":
      case "postComment":
        world.addComment(item, bot, a.body);
        break;
      case "updateTargetComment": {
        const target = item.comments.find((c) => c.nodeId === a.commentId);
        if (target) world.editComment(target, bot, a.body);
        break;
      }
      case "addAssignees":
        if (item.kind === "issue") world.addAssignees(item, a.logins.map((l) => world.user(l)), bot);
        break;
      case "sendWebhook":
        break;
    }
  }
}

export interface SeedOptions {
  readonly count: number;
  /** The first `overdue` items were opened eight days ago and are past due. */
  readonly overdue: number;
  readonly maintainer: SimUser;
  readonly config: Config;
}

/**
 * Opens `count` items (issues and discussions alternating), each labelled P3 or P4 by a
 * maintainer at creation and triaged by the planner. Items are opened within the three
 * hours before `world.now`, so none is due yet, except the `overdue` ones.
 */
export function seedTracked(world: World, repo: SimRepo, options: SeedOptions): SimItem[] {
  const base = world.now;
  const items: SimItem[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const overdue = i < options.overdue;
      world.now = overdue ? base - 8 * 86_400_000 + i * 1000 : base - 3 * 3_600_000 + Math.floor((i * 3 * 3_600_000) / Math.max(1, options.count));
      const kind = i % 2 === 0 ? "issue" : "discussion";
      const item = world.openItem(repo, {
        kind,
        number: repo.nextNumber,
        author: world.user(`customer${i % 97}`),
        title: `Question ${i}`,
        body: "Queries are slower since yesterday.",
        labels: [],
        category: kind === "discussion" ? "support" : null,
      });
      const label = i % 2 === 0 ? "P3" : "P4";
      world.addLabels(item, [world.labelNamed(repo, label)], options.maintainer);
      const plan = planItem({
        item: itemOf(item),
        config: options.config,
        now: world.now,
        trigger: { type: "labeled", label, sender: actor(options.maintainer) },
        appLogin: world.bot.login,
        form: null,
      });
      applyToModel(world, item, plan.actions);
      // The events these changes would send are not delivered: drop them as we go.
      world.outbox.length = 0;
      world.effects.length = 0;
      items.push(item);
    }
  } finally {
    world.now = base;
  }
  return items;
}
