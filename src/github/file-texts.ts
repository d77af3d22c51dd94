/**
 * File texts by git object id, and the repositories whose files this app instance has read
 * (one per loaded app, in its Services). The item read names the config file and the forms
 * by object id, and asks for their texts only while they are not held here: an object id
 * names one content for ever, so a text found by id is never stale and nothing needs
 * invalidating. Bounded: each map is emptied when full (the next read of a repository then
 * brings its texts again).
 */
export class FileTexts {
  private readonly byOid = new Map<string, string | null>();
  private readonly repos = new Set<string>();

  constructor(
    private readonly maxTexts = 512,
    private readonly maxRepos = 4096,
  ) {}

  /** Whether a read of this repository (`owner/name`, lower-cased) may ask for object ids alone. */
  knows(repo: string): boolean {
    return this.repos.has(repo);
  }

  /** This repository's texts were read (and remembered). */
  learned(repo: string): void {
    if (this.repos.size >= this.maxRepos) this.repos.clear();
    this.repos.add(repo);
  }

  /** A blob's text as read (null: not text, e.g. binary). */
  remember(oid: string, text: string | null): void {
    if (this.byOid.size >= this.maxTexts) this.byOid.clear();
    this.byOid.set(oid, text);
  }

  /** The text of a blob by its id; undefined when this id is not known here. */
  text(oid: string): string | null | undefined {
    return this.byOid.get(oid);
  }
}
