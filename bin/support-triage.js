#!/usr/bin/env node
// Thin launcher: the command line lives in lib/cli/index.js (built from src/cli/index.ts).
import { main } from "../lib/cli/index.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`support-triage: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
