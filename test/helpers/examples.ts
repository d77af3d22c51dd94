/** Realistic webhook payloads from @octokit/webhooks-examples, deep-copied for adapting. */
import examples from "@octokit/webhooks-examples";

type Example = { name: string; examples: Array<Record<string, unknown> & { action?: string }> };

export function example(name: string, action: string): Record<string, unknown> {
  const group = (examples as unknown as Example[]).find((e) => e.name === name);
  const ex = group?.examples.find((e) => e.action === action);
  if (!ex) throw new Error(`no example for ${name}.${action}`);
  return structuredClone(ex) as Record<string, unknown>;
}
