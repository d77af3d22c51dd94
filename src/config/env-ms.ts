/**
 * A whole number from an environment variable: the default when unset or empty, else a
 * clear error naming the variable and the range allowed.
 */
export function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, unit = ""): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be whole ${unit ? `${unit} ` : "numbers "}from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** A duration in whole milliseconds from an environment variable (see intFromEnv). */
export const msFromEnv = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number =>
  intFromEnv(env, name, fallback, min, max, "milliseconds");
