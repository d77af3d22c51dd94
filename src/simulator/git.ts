/** Git object ids, so ETags and GraphQL `oid`s look and behave like GitHub's (stable per content). */
import { createHash } from "node:crypto";

/** The SHA-1 git gives a blob with this content. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
