/**
 * Helpers for the weekly business window (`business_hours`), shared by the config
 * loader (which validates it and accepts the derived label as a coverage alias), the
 * calendar and the target wording, so the label shown to people and the label accepted
 * in `targets` can never drift apart.
 */
import type { BusinessHoursConfig } from "./types.js";

/** ISO weekday (1 = Monday) → short English name, as used in config and in wording. */
export const DAY_NAMES: readonly string[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_DAY_NAMES: readonly string[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** `mon`/`Monday`/`1` → 1; anything else → null. */
export function parseDay(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value >= 1 && value <= 7 ? value : null;
  if (typeof value !== "string") return null;
  const s = value.trim().toLowerCase();
  if (/^[1-7]$/.test(s)) return Number(s);
  const short = DAY_NAMES.indexOf(s);
  if (short >= 0) return short + 1;
  const full = FULL_DAY_NAMES.indexOf(s);
  return full >= 0 ? full + 1 : null;
}

/**
 * "HH:MM" → minutes after local midnight. `24:00` is accepted only as an end, so a
 * window can run to midnight without wrapping into the next day.
 */
export function parseClock(value: string, allowMidnightEnd: boolean): number | null {
  const m = /^(\d{1,2}):([0-5]\d)$/.exec(value.trim());
  if (!m) return null;
  const hours = Number(m[1]);
  if (hours > 24) return null;
  const minutes = Number(m[2]);
  if (hours === 24) return allowMidnightEnd && minutes === 0 ? 24 * 60 : null;
  return hours * 60 + minutes;
}

/** Nominal window length in minutes (wall-clock; a DST day may be an hour shorter or longer). */
export function windowMinutes(hours: BusinessHoursConfig): number {
  const start = parseClock(hours.start, false);
  const end = parseClock(hours.end, true);
  if (start === null || end === null || end <= start) {
    throw new Error(`invalid business hours ${hours.start}–${hours.end}`);
  }
  return end - start;
}

/**
 * The business-coverage label people know: hours per day × days per week ("12x5" for
 * 06:00–18:00 Mon–Fri, "8.5x5" for 09:00–17:30). It is derived, never configured, so it
 * always tells the truth about the window.
 */
export function businessLabel(hours: BusinessHoursConfig): string {
  const h = windowMinutes(hours) / 60;
  const text = Number.isInteger(h) ? String(h) : String(Math.round(h * 100) / 100);
  return `${text}x${new Set(hours.days).size}`;
}

/**
 * Working days in words: runs of consecutive days collapse to "Mon–Fri", and a run may
 * wrap the week ("Sun–Thu"); other days are listed ("Mon, Wed, Fri").
 */
export function describeDays(days: readonly number[]): string {
  const set = new Set(days.filter((d) => d >= 1 && d <= 7));
  if (set.size === 7) return "every day";
  if (set.size === 0) return "no days";
  const cap = (d: number): string => {
    const n = DAY_NAMES[d - 1] ?? "";
    return n.charAt(0).toUpperCase() + n.slice(1);
  };
  // Read from Monday, unless a run wraps Sunday→Monday: then from that run's first day,
  // so "Sun–Thu" stays one run.
  let first = 1;
  if (set.has(1) && set.has(7)) {
    first = 7;
    while (first > 2 && set.has(first - 1)) first -= 1;
  }
  const runs: number[][] = [];
  for (let i = 0; i < 7; i++) {
    const d = ((first - 1 + i) % 7) + 1;
    if (!set.has(d)) continue;
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev !== undefined && (prev % 7) + 1 === d) last.push(d);
    else runs.push([d]);
  }
  return runs
    .map((run) => {
      const a = run[0] as number;
      const b = run[run.length - 1] as number;
      if (run.length === 1) return cap(a);
      if (run.length === 2) return `${cap(a)}, ${cap(b)}`;
      return `${cap(a)}–${cap(b)}`;
    })
    .join(", ");
}

/** "6am", "9:30am", "12pm", "midnight": how the window reads in a comment. */
export function describeClock(minutes: number): string {
  if (minutes === 0 || minutes === 24 * 60) return "midnight";
  const h24 = Math.floor(minutes / 60);
  const min = minutes % 60;
  const suffix = h24 < 12 ? "am" : "pm";
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return min === 0 ? `${h12}${suffix}` : `${h12}:${String(min).padStart(2, "0")}${suffix}`;
}
