/**
 * A duration in whole milliseconds from an environment variable: the default when unset
 * or empty, else a clear error naming the variable and the range allowed.
 */
export function msFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be whole milliseconds from ${min} to ${max}, got "${raw}"`);
  return n;
}
