/**
 * The comparison's figures (./compare.ts): deliveries per second and app CPU per intake of
 * each app on each stream, the ratios support-triage ÷ floor (the goals) and ÷ bare, what an
 * echo costs against a bare delivery, and the open-loop latency at each rate. Each value is
 * the median over the interleaved rounds; the detail gives the min–max and the per-round
 * ratios, so a goal met by one lucky round shows as such.
 */
import type { ClosedRun, CompareApp, CompareResult, CompareStream, OpenRun } from "./compare.js";
import { atLeast, atMost, below, context, fmt, type Figure } from "./figures.js";
import { median } from "./production.js";

/** Goal: support-triage delivers at least this share of the floor's deliveries per second. */
export const RATE_RATIO_GOAL = 0.8;
/** Goal: support-triage's app CPU per intake at most this multiple of the floor's. */
export const CPU_RATIO_GOAL = 1.25;
/**
 * Goal: an echo (an event the app caused itself) costs no more than a bare delivery. The
 * bare app's own CPU per delivery moves by a few per cent from round to round, so "no more"
 * is read with that noise: at most 1.1 times.
 */
export const ECHO_RATIO_GOAL = 1.1;
/** Goal: open-loop p99 below this (ms) at the highest rate. */
export const OPEN_P99_GOAL_MS = 50;

const spread = (xs: readonly number[], unit = ""): string =>
  xs.length > 1 ? `min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))}${unit ? ` ${unit}` : ""}` : "one round";

const STREAM_TITLE: Record<CompareStream, string> = {
  intakes: "intakes alone",
  mix: "the event mix",
  echoes: "echoes alone",
};

export function compareFigures(r: CompareResult): Figure[] {
  const runs = (app: CompareApp, stream: CompareStream): ClosedRun[] => r.closed.filter((c) => c.app === app && c.stream === stream);
  const rate = (app: CompareApp, stream: CompareStream) => runs(app, stream).map((c) => c.perSecond);
  const cpuPerIntake = (app: CompareApp, stream: CompareStream) => runs(app, stream).map((c) => c.appCpuMs / Math.max(1, c.intakes));
  const cpuPerDelivery = (app: CompareApp, stream: CompareStream) => runs(app, stream).map((c) => c.appCpuMs / c.deliveries);
  /** Per-round ratios a ÷ b (the rounds ran side by side). */
  const perRound = (a: readonly number[], b: readonly number[]) => a.map((x, i) => x / (b[i] ?? Number.NaN));
  const where = r.isolated ? "each app in its own process" : "all apps in the bench's process (--no-isolate): CPU figures are the whole process's";
  const first = runs("support-triage", "mix")[0];
  const mixShape = first ? `${first.intakes} intakes + ${first.deliveries - first.intakes} echoes` : "";
  const kinds = Object.entries(r.echoKinds)
    .map(([k, n]) => `${k} ${fmt(n / Math.max(1, r.warmIntakes))}`)
    .join(", ");
  const how = (stream: CompareStream): string =>
    `${r.deliveries} deliveries a run${stream === "mix" ? ` (${mixShape}; echoes per intake ${fmt(r.echoesPerIntake)}: ${kinds})` : stream === "echoes" ? " (support-triage's recorded echoes, replayed)" : " (support-form issues.opened 3 : discussion.created 1)"}, ` +
    `${r.concurrency} in flight, ${r.rounds} interleaved rounds, ${where}`;

  const figures: Figure[] = [];
  for (const stream of ["intakes", "mix"] as const) {
    const title = STREAM_TITLE[stream];
    for (const app of ["bare", "floor", "support-triage"] as const) {
      const xs = rate(app, stream);
      figures.push(
        context(
          `compare.${stream}.rate.${app}`,
          `Deliveries per second, ${title}: ${app}`,
          median(xs),
          "deliveries/s",
          `median of ${xs.length} rounds (${spread(xs, "/s")}); ${how(stream)}`,
        ),
      );
    }
    const st = rate("support-triage", stream);
    const floor = rate("floor", stream);
    const bare = rate("bare", stream);
    const toFloor = median(st) / median(floor);
    const toBare = median(st) / median(bare);
    figures.push(
      atLeast(
        `compare.${stream}.rate.ratio-floor`,
        `Deliveries per second, ${title}: support-triage ÷ floor`,
        toFloor,
        "×",
        RATE_RATIO_GOAL,
        `${fmt(median(st))} ÷ ${fmt(median(floor))} deliveries/s (medians); per round ${spread(perRound(st, floor))}`,
      ),
      context(
        `compare.${stream}.rate.ratio-bare`,
        `Deliveries per second, ${title}: support-triage ÷ bare`,
        toBare,
        "×",
        `${fmt(median(st))} ÷ ${fmt(median(bare))} deliveries/s (medians); per round ${spread(perRound(st, bare))}`,
      ),
    );
    for (const app of ["bare", "floor", "support-triage"] as const) {
      const xs = cpuPerIntake(app, stream);
      figures.push(
        context(
          `compare.${stream}.cpu.${app}`,
          `App CPU per intake, ${title}: ${app}`,
          median(xs),
          "ms",
          `median of ${xs.length} rounds (${spread(xs, "ms")}); ${fmt(median(cpuPerDelivery(app, stream)))} ms per delivery; app process CPU ÷ intakes` +
            (r.isolated ? `; simulator + load generator ${fmt(median(runs(app, stream).map((c) => c.benchCpuMs / c.deliveries)))} ms per delivery` : ""),
        ),
      );
    }
    const stc = cpuPerIntake("support-triage", stream);
    const fc = cpuPerIntake("floor", stream);
    const bc = cpuPerIntake("bare", stream);
    figures.push(
      atMost(
        `compare.${stream}.cpu.ratio-floor`,
        `App CPU per intake, ${title}: support-triage ÷ floor`,
        median(stc) / median(fc),
        "×",
        CPU_RATIO_GOAL,
        `${fmt(median(stc))} ÷ ${fmt(median(fc))} ms (medians); per round ${spread(perRound(stc, fc))}`,
      ),
      context(
        `compare.${stream}.cpu.ratio-bare`,
        `App CPU per intake, ${title}: support-triage ÷ bare`,
        median(stc) / median(bc),
        "×",
        `${fmt(median(stc))} ÷ ${fmt(median(bc))} ms (medians); per round ${spread(perRound(stc, bc))}`,
      ),
    );
    if (stream === "intakes") {
      for (const app of ["bare", "floor", "support-triage"] as const) {
        const xs = runs(app, stream);
        const n = xs.reduce((a, c) => a + c.intakes, 0);
        const per = (f: (c: ClosedRun) => number) => xs.reduce((a, c) => a + f(c), 0) / Math.max(1, n);
        figures.push(
          context(
            `compare.intakes.requests.${app}`,
            `GitHub requests per intake: ${app}`,
            per((c) => c.counted),
            "requests",
            `${fmt(per((c) => c.reads))} reads + ${fmt(per((c) => c.writes))} writes per intake over ${n} intakes (the simulator's log); ` +
              `${xs.reduce((a, c) => a + c.untriaged, 0)} not triaged`,
          ),
        );
      }
    }
  }

  // Echoes alone: CPU per delivery, against a bare delivery.
  for (const app of ["bare", "floor", "support-triage"] as const) {
    const xs = cpuPerDelivery(app, "echoes");
    const rates = rate(app, "echoes");
    figures.push(
      context(
        `compare.echoes.cpu.${app}`,
        `App CPU per echo delivery: ${app}`,
        median(xs),
        "ms",
        `median of ${xs.length} rounds (${spread(xs, "ms")}); ${fmt(median(rates))} deliveries/s (${spread(rates, "/s")}); ${how("echoes")}`,
      ),
    );
  }
  const se = cpuPerDelivery("support-triage", "echoes");
  const be = cpuPerDelivery("bare", "echoes");
  figures.push(
    atMost(
      "compare.echoes.cpu.ratio-bare",
      "App CPU per echo: support-triage ÷ bare",
      median(se) / median(be),
      "×",
      ECHO_RATIO_GOAL,
      `${fmt(median(se))} ÷ ${fmt(median(be))} ms (medians); per round ${spread(perRound(se, be))}; an event the app caused itself should cost no more than Probot's own handling (the goal allows 10% for the rounds' noise)`,
    ),
  );

  // Open loop, per rate.
  const top = Math.max(...r.rates);
  const openOf = (app: CompareApp, rate: number): OpenRun[] => r.open.filter((x) => x.app === app && x.rate === rate);
  const describe = (xs: readonly OpenRun[]): string =>
    `p99 ${spread(xs.map((x) => x.p99), "ms")}; p50 ${fmt(median(xs.map((x) => x.p50)))} ms (${spread(xs.map((x) => x.p50), "ms")}); ` +
    `max ${fmt(Math.max(...xs.map((x) => x.max)))} ms; intakes p50 ${fmt(median(xs.map((x) => x.intakeP50)))} ms, p99 ${fmt(median(xs.map((x) => x.intakeP99)))} ms; ` +
    `echoes p99 ${fmt(median(xs.map((x) => x.echoP99)))} ms; sends late by p99 ${fmt(median(xs.map((x) => x.lateP99)))} ms; ` +
    `app CPU ${fmt(median(xs.map((x) => x.appCpuPerDelivery)))} ms per delivery; ${xs.reduce((a, x) => a + x.failed, 0)} failed`;
  for (const rateValue of [...r.rates].sort((a, b) => a - b)) {
    const st = openOf("support-triage", rateValue);
    const fl = openOf("floor", rateValue);
    const value = median(st.map((x) => x.p99));
    const detail =
      `median of ${st.length} rounds; ${describe(st)}; open loop, the mix (${st[0]?.deliveries ?? 0} deliveries a run, ${st[0]?.intakes ?? 0} of them intakes) sent every ${fmt(1000 / rateValue)} ms whatever the answers; ` +
      `memory mode (no Redis: each delivery is answered when its work is done); floor p99 ${fmt(median(fl.map((x) => x.p99)))} ms`;
    figures.push(
      rateValue === top
        ? below(`compare.open.${rateValue}.p99`, `Open-loop latency p99 at ${fmt(rateValue)} deliveries/s: support-triage`, value, "ms", OPEN_P99_GOAL_MS, detail)
        : context(`compare.open.${rateValue}.p99`, `Open-loop latency p99 at ${fmt(rateValue)} deliveries/s: support-triage`, value, "ms", detail),
      context(
        `compare.open.${rateValue}.floor.p99`,
        `Open-loop latency p99 at ${fmt(rateValue)} deliveries/s: floor`,
        median(fl.map((x) => x.p99)),
        "ms",
        `median of ${fl.length} rounds; ${describe(fl)}`,
      ),
    );
  }

  // Side by side with another build (--compare-baseline): support-triage now ÷ then.
  if (r.baseline !== null) {
    const from = `the baseline is ${r.baseline}'s support-triage, in the same rounds on the same payloads`;
    for (const stream of COMPARED) {
      const per = stream === "echoes" ? cpuPerDelivery : cpuPerIntake;
      const unit = stream === "echoes" ? "echo delivery" : "intake";
      const now = per("support-triage", stream);
      const then = per("baseline", stream);
      figures.push(
        context(
          `compare.${stream}.cpu.baseline`,
          `App CPU per ${unit}, ${STREAM_TITLE[stream]}: baseline`,
          median(then),
          "ms",
          `median of ${then.length} rounds (${spread(then, "ms")}); ${fmt(median(rate("baseline", stream)))} deliveries/s (${spread(rate("baseline", stream), "/s")}); ${from}`,
        ),
        context(
          `compare.${stream}.cpu.ratio-baseline`,
          `App CPU per ${unit}, ${STREAM_TITLE[stream]}: support-triage ÷ baseline`,
          median(now) / median(then),
          "×",
          `${fmt(median(now))} ÷ ${fmt(median(then))} ms (medians); per round ${spread(perRound(now, then))}; deliveries/s ×${fmt(median(rate("support-triage", stream)) / median(rate("baseline", stream)))}`,
        ),
      );
    }
    for (const rateValue of [...r.rates].sort((a, b) => a - b)) {
      const xs = openOf("baseline", rateValue);
      figures.push(
        context(
          `compare.open.${rateValue}.baseline.p99`,
          `Open-loop latency p99 at ${fmt(rateValue)} deliveries/s: baseline`,
          median(xs.map((x) => x.p99)),
          "ms",
          `median of ${xs.length} rounds; ${describe(xs)}`,
        ),
      );
    }
  }
  return figures;
}

const COMPARED: readonly CompareStream[] = ["intakes", "mix", "echoes"];
