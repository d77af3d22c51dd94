/**
 * Finds and loads `.github/support-triage.yml` the way Probot's `context.config` does:
 * the repository's own file, else the owner's `.github` repository, following one level
 * of `_extends` (`repo`, `owner/repo` or `owner/repo:path`). Parsing and validation are the
 * pure config loader's job; this file only fetches text.
 */
import { DEFAULT_CONFIG } from "../config/defaults.js";
import { extendsTarget, loadConfig } from "../config/load.js";
import type { Config, ConfigResult } from "../config/types.js";
import type { GitHubClient, RepoRef } from "./client.js";
import type { ContentCache } from "./contents.js";

export const CONFIG_PATH = ".github/support-triage.yml";

/**
 * Parsed configurations by base, file and text. Every event carries the repository's
 * file text (it comes with the item read), and parsing plus validating it was the largest
 * cost of an event; the text rarely changes, so the same text gives the same result
 * object — which also lets caches keyed on the config object (calendars, form templates)
 * hit. Bounded: least recently used entries go first.
 */
const parsedConfigs = new WeakMap<Config, Map<string, ConfigResult>>();
const MAX_PARSED_CONFIGS = 256;

const extendsByText = new Map<string, string | null>();

/** `extendsTarget`, memoised: it parses the YAML too, on every event. */
function extendsOf(text: string): string | null {
  const hit = extendsByText.get(text);
  if (hit !== undefined) return hit;
  const value = extendsTarget(text);
  if (extendsByText.size >= MAX_PARSED_CONFIGS) extendsByText.clear();
  extendsByText.set(text, value);
  return value;
}

/** `loadConfig`, memoised (the loader is pure: same inputs, same result). */
export function loadConfigCached(text: string, file: string, base: Config = DEFAULT_CONFIG): ConfigResult {
  let byText = parsedConfigs.get(base);
  if (!byText) {
    byText = new Map();
    parsedConfigs.set(base, byText);
  }
  const key = `${file}\u0000${text}`;
  const hit = byText.get(key);
  if (hit) {
    byText.delete(key);
    byText.set(key, hit);
    return hit;
  }
  const result = loadConfig(text, file, base);
  byText.set(key, result);
  if (byText.size > MAX_PARSED_CONFIGS) {
    const oldest = byText.keys().next().value;
    if (oldest !== undefined) byText.delete(oldest);
  }
  return result;
}

export interface LoadedConfig {
  readonly result: ConfigResult;
  /** Where the file came from, e.g. "acme/support:.github/support-triage.yml"; null = defaults. */
  readonly source: string | null;
}

/**
 * @param localText the repository's own file when the caller already read it (the item
 *   read fetches it in the same GraphQL request); `undefined` to fetch it here.
 */
export async function resolveConfig(
  client: GitHubClient,
  repo: RepoRef,
  cache: ContentCache,
  now: number,
  localText?: string | null,
): Promise<LoadedConfig> {
  let text = localText === undefined ? await cache.read(client, repo.owner, repo.repo, CONFIG_PATH, now) : localText;
  let source: string | null = `${repo.owner}/${repo.repo}:${CONFIG_PATH}`;
  if (text === null && repo.repo !== ".github") {
    text = await cache.read(client, repo.owner, ".github", CONFIG_PATH, now);
    source = `${repo.owner}/.github:${CONFIG_PATH}`;
  }
  if (text === null) return { result: loadConfig(null), source: null };

  const file = source === `${repo.owner}/${repo.repo}:${CONFIG_PATH}` ? CONFIG_PATH : source;
  const ext = extendsOf(text);
  if (!ext) return { result: loadConfigCached(text, file), source };

  const target = parseExtends(ext, repo.owner);
  if (!target) {
    return {
      result: {
        config: null,
        errors: [{ file, path: "_extends", ...extendsPosition(text), message: `_extends "${ext}" is not "repo", "owner/repo" or "owner/repo:path".` }],
        warnings: [],
      },
      source,
    };
  }
  const baseText = await cache.read(client, target.owner, target.repo, target.path, now);
  const baseFile = `${target.owner}/${target.repo}:${target.path}`;
  if (baseText === null) {
    return {
      result: {
        config: null,
        errors: [{ file, path: "_extends", ...extendsPosition(text), message: `_extends points at ${baseFile}, which does not exist or cannot be read.` }],
        warnings: [],
      },
      source,
    };
  }
  const base = loadConfigCached(baseText, baseFile, DEFAULT_CONFIG);
  if (!base.config) return { result: base, source: baseFile };
  return { result: loadConfigCached(text, file, base.config), source };
}

/** Line and column of the top-level `_extends` key (the loader accepted the file, so it is there). */
export function extendsPosition(text: string): { line: number | null; column: number | null } {
  const m = /^_extends[ \t]*:/m.exec(text);
  if (!m) return { line: null, column: null };
  return { line: text.slice(0, m.index).split("\n").length, column: 1 };
}

export function parseExtends(value: string, defaultOwner: string): { owner: string; repo: string; path: string } | null {
  const m = /^(?:([\w.-]+)\/)?([\w.-]+)(?::(.+))?$/.exec(value.trim());
  if (!m || !m[2]) return null;
  return { owner: m[1] ?? defaultOwner, repo: m[2], path: m[3] ?? CONFIG_PATH };
}
