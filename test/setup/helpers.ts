/**
 * Helpers for the set-up tests: free ports on 127.0.0.1, a temporary project directory,
 * reading the set-up page's manifest the way a browser's HTML parser does (parse5
 * implements the WHATWG tokenizer and tree builder), a capturing logger, and a fake
 * smee.io channel (text/event-stream) on 127.0.0.1.
 */
import { createHmac } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { pino, type Logger } from "pino";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A temporary working directory holding the repository's app.yml, or `appYml` text. */
export function projectDir(appYml?: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "support-triage-setup-"));
  if (appYml === undefined) copyFileSync(join(REPO_ROOT, "app.yml"), join(dir, "app.yml"));
  else writeFileSync(join(dir, "app.yml"), appYml);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` with `dir` as the working directory (Probot reads app.yml and writes .env there). */
export async function inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

function elements(node: Node, out: Element[] = []): Element[] {
  if ("tagName" in node) out.push(node);
  if ("childNodes" in node) for (const child of node.childNodes) elements(child, out);
  if ("content" in node && node.content) elements(node.content, out);
  return out;
}

export interface SetupForm {
  /** The form's action and method as the browser would use them. */
  action: string | undefined;
  method: string | undefined;
  /** The `manifest` control's value exactly as the browser submits it (decoded attribute). */
  manifest: string;
}

/** Finds the form with the `manifest` button, as a browser builds the DOM from `html`. */
export function readSetupForm(html: string): SetupForm {
  const all = elements(parse(html));
  const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
  const button = all.find((el) => el.tagName === "button" && attr(el, "name") === "manifest");
  if (!button) throw new Error("no <button name=manifest> in the page");
  let form: Node | null = button.parentNode as Node | null;
  while (form && !("tagName" in form && form.tagName === "form")) form = ("parentNode" in form ? form.parentNode : null) as Node | null;
  if (!form || !("tagName" in form)) throw new Error("the manifest button is not inside a <form>");
  const value = attr(button, "value");
  if (value === undefined) throw new Error("the manifest button has no value attribute");
  return { action: attr(form, "action"), method: attr(form, "method"), manifest: value };
}

export interface CapturedLog {
  log: Logger;
  lines: Array<{ level: number; msg?: string; [k: string]: unknown }>;
  messages(): string[];
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog["lines"] = [];
  const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines, messages: () => lines.map((l) => String(l.msg ?? "")) };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * A fake smee.io channel: GET /<channel> holds a text/event-stream open; `send` pushes a
 * delivery in smee's shape (headers as keys, `body`, `query`) to every connected client.
 */
export interface FakeChannel {
  url: string;
  clients(): number;
  send(delivery: { headers: Record<string, string>; body: unknown }): void;
  close(): Promise<void>;
}

export async function fakeSmeeChannel(): Promise<FakeChannel> {
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" || req.url !== "/fake-channel") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(`event: ready\ndata: {}\n\n`);
    open.add(res);
    req.on("close", () => open.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fake-channel`,
    clients: () => open.size,
    send({ headers, body }) {
      const data = JSON.stringify({ ...headers, body, query: {} });
      for (const res of open) res.write(`data: ${data}\n\n`);
    },
    async close() {
      for (const res of open) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
