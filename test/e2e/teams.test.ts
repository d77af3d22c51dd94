/** End to end: members of a configured responder team count as responders, others don't. */
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/simulator/harness.js";
import { FORM_FILES, formBody, item, marker } from "./scenario-builder.js";

describe("responders.teams", () => {
  it("a team member's comment is the first response even without repository access", async () => {
    const text = stringify({
      repo: "acme/support",
      now: "2026-12-01T09:00:00-08:00",
      members: ["carol"],
      teams: { "acme/support-leads": ["tess"] },
      config: "customers:\n  wanda: business\nresponders:\n  teams: [acme/support-leads]\n",
      files: FORM_FILES,
      steps: [
        { open: { kind: "issue", number: 1, author: "wanda", title: "x", body: formBody({ priority: "P3", environment: "Staging" }) } },
        { comment: { number: 1, author: "stranger", body: "same here" } },
        { advance: "10m" },
        { comment: { number: 1, author: "tess", body: "We are on it." } },
      ],
    });
    const result = await runScenario(text, "teams.yml");
    expect(result.state.errors).toEqual([]);
    expect(marker(item(result, 1))).toMatchObject({ respondedBy: "tess", respondedAt: "2026-12-01T09:10:00.000-08:00" });
  });
});
