/**
 * Node module hooks that let a forked replica run straight from the TypeScript sources
 * (tests run from src/; the published package runs the compiled lib/ and never needs
 * this). Relative imports are written with `.js` as ESM requires; when only the `.ts`
 * file exists it is loaded instead, with its types stripped (no type check: the test
 * suite's `tsc --noEmit` does that).
 *
 * Used as `node --import <this file>`: on the main thread it registers itself; the hooks
 * then run on Node's loader thread.
 */
import { readFile } from "node:fs/promises";
import { isMainThread } from "node:worker_threads";
import { register } from "node:module";

if (isMainThread) register(import.meta.url);

/**
 * The transpiler: oxc through rolldown (vite's bundler, installed with vitest) when it is
 * there, because it is about fifty times faster than TypeScript's and a replica's start-up
 * is mostly transpiling; else TypeScript's `transpileModule`.
 */
let strip = null;
async function stripper() {
  if (strip) return strip;
  try {
    const { transformSync } = await import("rolldown/experimental");
    strip = (url, source) => {
      const out = transformSync(new URL(url).pathname, source, { sourcemap: false });
      if (out.errors?.length) throw new Error(`${url}: ${out.errors.map((e) => e.message).join("; ")}`);
      return out.code;
    };
  } catch {
    const ts = (await import("typescript")).default;
    strip = (url, source) =>
      ts.transpileModule(source, {
        fileName: url,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
      }).outputText;
  }
  return strip;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("file:");
    if (!relative || !specifier.endsWith(".js") || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const source = await readFile(new URL(url), "utf8");
  return { format: "module", source: (await stripper())(url, source), shortCircuit: true };
}
