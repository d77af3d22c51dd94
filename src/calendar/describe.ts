/**
 * The business calendar in words, for the target comment and the CLI:
 * "6am–6pm Pacific, Mon–Fri, excluding US public holidays".
 */
import { describeClock, describeDays } from "../config/hours.js";
import type { BusinessCalendar } from "./calendar.js";

const zoneWords = new Map<string, string>();

/**
 * A short name people recognise for a zone: "Pacific" for America/Los_Angeles, from the
 * platform's generic zone name ("Pacific Time"); the IANA name when the platform only
 * knows an offset ("GMT+03:00"), because an offset would be wrong half the year.
 */
export function zoneWord(zone: string): string {
  const cached = zoneWords.get(zone);
  if (cached !== undefined) return cached;
  let word = zone;
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longGeneric" }).formatToParts(
      new Date(Date.UTC(2026, 0, 1)),
    );
    const name = parts.find((p) => p.type === "timeZoneName")?.value ?? "";
    if (name !== "" && !/^(GMT|UTC)/.test(name)) word = name.replace(/ Time$/, "");
  } catch {
    word = zone;
  }
  zoneWords.set(zone, word);
  return word;
}

/** "excluding US public holidays", "excluding US-CA public holidays", or "" when none are generated. */
export function describeHolidays(cal: BusinessCalendar): string {
  const { country, state, types } = cal.holidays;
  if (country === null || types.length === 0) return "";
  return `excluding ${country}${state ? `-${state}` : ""} public holidays`;
}

/** "6am–6pm Pacific, Mon–Fri, excluding US public holidays". */
export function describeCalendar(cal: BusinessCalendar): string {
  const window =
    cal.startMinutes === 0 && cal.endMinutes === 1440
      ? `all day (${zoneWord(cal.zone)})`
      : `${describeClock(cal.startMinutes)}–${describeClock(cal.endMinutes)} ${zoneWord(cal.zone)}`;
  const parts = [window, describeDays(cal.days)];
  const holidays = describeHolidays(cal);
  if (holidays !== "") parts.push(holidays);
  return parts.join(", ");
}
