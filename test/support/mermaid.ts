/**
 * Mermaid's own parser in Node: `mermaid.parse` needs a DOM for its sanitiser (DOMPurify),
 * so a jsdom window is installed first. `mermaidBlocks` finds the ```mermaid fences of a
 * Markdown text.
 */
import { JSDOM } from "jsdom";

type Mermaid = { parse: (text: string) => Promise<unknown> };
let loaded: Promise<Mermaid> | null = null;

export function loadMermaid(): Promise<Mermaid> {
  if (!loaded) {
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    loaded = import("mermaid").then((m) => m.default as unknown as Mermaid);
  }
  return loaded;
}

/** The bodies of the ```mermaid fences of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}
