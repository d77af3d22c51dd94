/**
 * Placeholder for `support-triage simulate`, so the dispatcher in index.ts type-checks
 * and runs before the simulator lands; the simulator's author replaces this file.
 */
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("support-triage: simulate is not available yet\n");
  return 1;
}
