/**
 * A small Dockerfile reader for the deployment tests: instructions (continuation lines
 * joined, comments dropped), grouped by stage. Enough for this repository's Dockerfile, so
 * the tests can check it and perform its runtime stage's steps without a Docker engine.
 */
import { readFileSync } from "node:fs";

export const ROOT = new URL("../../", import.meta.url).pathname;

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ENV, … */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | null;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending = "";
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comments (and the `# syntax=` directive) and blank lines, also inside continuations.
    if (trimmed === "" || trimmed.startsWith("#")) return;
    if (pending === "") start = index + 1;
    const continued = trimmed.endsWith("\\");
    pending += (pending ? " " : "") + (continued ? trimmed.slice(0, -1).trim() : trimmed);
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!, line: start });
    pending = "";
  });
  const stages: Stage[] = [];
  let current: { image: string; name: string | null; instructions: Instruction[] } | null = null;
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile line ${ins.line}: cannot read FROM ${ins.args}`);
      current = { image: m[1]!, name: m[2] ?? null, instructions: [] };
      stages.push(current);
    } else {
      if (!current) throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before FROM`);
      current.instructions.push(ins);
    }
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(`${ROOT}Dockerfile`, "utf8"));
}

/** The stage a `COPY --from=<name>` of the last stage names, and the last (runtime) stage. */
export function stages(all: readonly Stage[]): { build: Stage; runtime: Stage } {
  const runtime = all[all.length - 1];
  if (!runtime) throw new Error("the Dockerfile has no stage");
  const from = runtime.instructions.map((i) => /--from=(\S+)/.exec(i.args)?.[1]).find((x) => x !== undefined);
  const build = all.find((s) => s !== runtime && s.name === from);
  if (!build) throw new Error(`the runtime stage copies from "${from ?? "(nothing)"}", which is not an earlier stage`);
  return { build, runtime };
}

export const of = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.keyword === keyword);

/** `RUN a && b` → ["a", "b"] for every RUN of the stage. */
export function commands(stage: Stage): string[] {
  return of(stage, "RUN").flatMap((i) => i.args.split("&&").map((c) => c.trim().replace(/\s+/g, " ")));
}

/** `ENV A=1 B=2` (and the legacy `ENV A 1`). Values here are unquoted words. */
export function env(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ins of of(stage, "ENV")) {
    if (!ins.args.includes("=")) {
      const [name, ...rest] = ins.args.split(/\s+/);
      out[name!] = rest.join(" ");
      continue;
    }
    for (const pair of ins.args.split(/\s+/)) {
      const eq = pair.indexOf("=");
      out[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, "$1");
    }
  }
  return out;
}

export interface Copy {
  readonly from: string | null;
  readonly sources: readonly string[];
  readonly dest: string;
}

export function copies(stage: Stage): Copy[] {
  return of(stage, "COPY").map((ins) => {
    const words = ins.args.split(/\s+/);
    const flags = words.filter((w) => w.startsWith("--"));
    const paths = words.filter((w) => !w.startsWith("--"));
    const from = flags.map((f) => /^--from=(.+)$/.exec(f)?.[1]).find((x) => x !== undefined) ?? null;
    if (paths.length < 2) throw new Error(`Dockerfile line ${ins.line}: COPY needs a source and a destination`);
    return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1]! };
  });
}

/** The exec form (`["node", "lib/main.js"]`) of CMD / HEALTHCHECK CMD; null for the shell form. */
export function execForm(args: string): string[] | null {
  const json = args.slice(args.indexOf("["));
  if (!args.includes("[")) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === "string") ? parsed : null;
  } catch {
    return null;
  }
}

export function workdir(stage: Stage): string {
  const w = of(stage, "WORKDIR").at(-1)?.args;
  if (!w) throw new Error("the stage has no WORKDIR");
  return w.endsWith("/") ? w : `${w}/`;
}
