#!/usr/bin/env node
/**
 * The screenshot in docs/report.md: runs examples/report.yml in the simulator, renders its
 * SLA report as the pinned issue's Markdown, turns that into a page with GitHub-like styles
 * where Mermaid draws the charts (Mermaid's own browser bundle, as GitHub renders them), and
 * has headless Chromium take the picture.
 *
 *   npm run build && node scripts/report-screenshot.mjs [out.png]
 *
 * Needs `chromium` on the PATH (Debian: apt-get install -y chromium), or CHROMIUM=/path.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { marked } from "marked";
import { runScenario } from "../lib/simulator/harness.js";
import { renderReportMarkdown, REPORT_TITLE } from "../lib/triage/report-render.js";

const root = resolve(import.meta.dirname, "..");
const out = resolve(process.argv[2] ?? join(root, "docs", "report.png"));
const file = join(root, "examples", "report.yml");
const result = await runScenario(readFileSync(file, "utf8"), file);
const report = result.state.reports?.[0];
if (!report) throw new Error("examples/report.yml produced no report");
const markdown = renderReportMarkdown(report);

const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const renderer = new marked.Renderer();
const code = renderer.code.bind(renderer);
renderer.code = (token) => (token.lang === "mermaid" ? `<pre class="mermaid">${escapeHtml(token.text)}</pre>` : code(token));
const body = marked.parse(markdown, { gfm: true, renderer });
const mermaidJs = pathToFileURL(join(root, "node_modules", "mermaid", "dist", "mermaid.min.js")).href;

const html = `<!doctype html><html><head><meta charset="utf-8"><title>${REPORT_TITLE}</title>
<style>
  body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.5; color: #1f2328; margin: 0; background: #fff; }
  main { max-width: 1012px; margin: 24px auto; padding: 0 32px; }
  h1 { font-size: 26px; font-weight: 400; margin: 0 0 8px; }
  h1 .num { color: #59636e; font-weight: 300; }
  .meta { color: #59636e; border-bottom: 1px solid #d1d9e0; padding-bottom: 12px; margin-bottom: 16px; }
  .meta .pin { display: inline-block; border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 8px; font-size: 12px; margin-right: 6px; }
  .comment { border: 1px solid #d1d9e0; border-radius: 6px; }
  .comment .head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e; border-radius: 6px 6px 0 0; }
  .comment .head b { color: #1f2328; }
  .comment .md { padding: 16px; }
  h3 { font-size: 16px; margin: 24px 0 12px; }
  table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; font-size: 12px; }
  th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }
  th { background: #f6f8fa; }
  tr:nth-child(2n) td { background: #f6f8fa; }
  a { color: #0969da; text-decoration: none; }
  pre.mermaid { background: none; margin: 0 0 16px; text-align: center; }
</style></head><body><main>
<h1>${REPORT_TITLE} <span class="num">#21</span></h1>
<div class="meta"><span class="pin">Pinned</span> support-triage <b>bot</b> opened this issue — refreshed by the sweep every Friday</div>
<div class="comment"><div class="head"><b>support-triage</b> bot commented</div><div class="md">${body}</div></div>
</main>
<script src="${mermaidJs}"></script>
<script>
  mermaid.initialize({ startOnLoad: false, theme: "default", xyChart: { width: 900, height: 360 } });
  mermaid.run({ querySelector: "pre.mermaid" }).then(() => { document.title = "rendered"; });
</script>
</body></html>`;

const dir = mkdtempSync(join(tmpdir(), "support-triage-report-"));
try {
  const page = join(dir, "report.html");
  writeFileSync(page, html);
  const chromium = process.env.CHROMIUM ?? "chromium";
  execFileSync(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--allow-file-access-from-files",
      "--virtual-time-budget=15000",
      "--window-size=1280,2950",
      `--screenshot=${out}`,
      pathToFileURL(page).href,
    ],
    { stdio: ["ignore", "ignore", "inherit"], timeout: 120_000 },
  );
  process.stdout.write(`${out}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
