// `npm run schema`: writes the JSON Schemas in schema/ from their definitions in src/ —
// the configuration's (src/config/schema.ts, from the loader's key lists and defaults) and
// GitHub's forms (src/triage/form-schema.ts). `--check` writes nothing and exits 1 when a
// file is stale (test/config/schema.test.ts runs the same comparison).
import { readFileSync, writeFileSync } from "node:fs";
import { schemaFiles } from "../src/config/schema-files.js";

const check = process.argv.includes("--check");
let stale = 0;
for (const { path, text } of schemaFiles()) {
  let current = null;
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = null;
  }
  if (current === text) continue;
  if (check) {
    console.error(`${path} is out of date: run npm run schema`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
