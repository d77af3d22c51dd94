/** The JSON Schema files shipped in schema/, as text (`npm run schema` writes them). */
import { CHOOSER_CONFIG_SCHEMA, DISCUSSION_FORM_SCHEMA, ISSUE_FORM_SCHEMA } from "../triage/form-schema.js";
import { CONFIG_SCHEMA_FILE, configSchema } from "./schema.js";

export function schemaFiles(): { path: string; text: string }[] {
  const text = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;
  return [
    { path: CONFIG_SCHEMA_FILE, text: text(configSchema()) },
    { path: "schema/github-issue-form.schema.json", text: text(ISSUE_FORM_SCHEMA) },
    { path: "schema/github-discussion-form.schema.json", text: text(DISCUSSION_FORM_SCHEMA) },
    { path: "schema/github-issue-template-chooser.schema.json", text: text(CHOOSER_CONFIG_SCHEMA) },
  ];
}
