/**
 * Small text helpers shared by the form-template reader and the form-body parser.
 *
 * Both sides must agree on how a field label and a priority option are recognised,
 * otherwise `validate` could accept a template whose answers the planner then cannot
 * read. Keeping the rules here makes that agreement structural.
 */
import type { Priority } from "../config/types.js";

/**
 * Canonical form of a field label or option for comparisons: case, emoji, punctuation
 * and spacing are ignored, so "🚨 Priority:" in a template still matches the configured
 * `Priority`. Letters and digits of every script are kept.
 */
export function normaliseLabel(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * The priority named by the leading `P1`..`P4` token of a dropdown option or answer,
 * e.g. "P2 (High) – production app degraded" → P2. Leading decoration (emoji, bullets,
 * `**`) is skipped because templates often prefix options with a coloured circle; a
 * token glued to more letters or digits ("P10", "P2x") does not count.
 */
export function leadingPriority(text: string): Priority | null {
  const m = /^[^\p{L}\p{N}]{0,16}[Pp]([1-4])(?![\p{L}\p{N}])/u.exec(text.trimStart());
  const digit = m?.[1];
  return digit === undefined ? null : (`P${digit}` as Priority);
}

/** GitHub renders an unanswered field as `_No response_` (inputs) or `None` (dropdowns). */
export function isEmptyAnswer(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === "" || v === "_no response_" || v === "none";
}

/** Case-insensitive login comparison that also equates "app[bot]" (REST) with "app" (GraphQL). */
export function sameLogin(a: string, b: string): boolean {
  return loginKey(a) === loginKey(b);
}

/** Lower-cased login without the `[bot]` suffix: the identity GitHub's two APIs agree on. */
export function loginKey(login: string): string {
  const lower = login.toLowerCase();
  return lower.endsWith("[bot]") ? lower.slice(0, -"[bot]".length) : lower;
}
