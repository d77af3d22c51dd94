import { describe, expect, it } from "vitest";
import { recordResponse } from "../../src/triage/response.js";
import type { MarkerState } from "../../src/triage/types.js";
import { alice, APP_LOGIN, aComment, anIssue, carol, cfg, ciBot, dave } from "./helpers.js";

const config = cfg();
const state: MarkerState = { priority: "P3", plan: "standard", dueAt: "2026-12-03T09:00:00.000-08:00", source: "form", setBy: "alice" };

describe("recordResponse (SPEC §5.2)", () => {
  it("records the first responder comment, in the configured zone, and says so once", () => {
    const item = anIssue({ comments: [aComment({ author: carol, createdAt: "2026-12-01T18:30:00.000Z" })] });
    const out = recordResponse(item, config, APP_LOGIN, undefined, state, null);
    expect(out.state.respondedAt).toBe("2026-12-01T10:30:00.000-08:00");
    expect(out.state.respondedBy).toBe("carol");
    expect(out.firstRecorded).toBe(true);
    expect(out.decision?.rule).toBe("first-response");
  });

  it("records nothing while only the author, bots and outsiders have commented", () => {
    const item = anIssue({
      comments: [
        aComment({ author: alice, association: "NONE" }),
        aComment({ author: ciBot, association: "NONE" }),
        aComment({ author: { login: "mallory", isBot: false }, association: "NONE" }),
        aComment({ author: null, association: "MEMBER" }),
      ],
    });
    const out = recordResponse(item, config, APP_LOGIN, undefined, state, null);
    expect(out.state.respondedAt).toBeUndefined();
    expect(out.firstRecorded).toBe(false);
    expect(out.decision).toBeNull();
  });

  it("keeps a recorded response when its comment is gone (history does not change)", () => {
    const prev: MarkerState = { ...state, respondedAt: "2026-12-01T10:00:00.000-08:00", respondedBy: "carol" };
    const out = recordResponse(anIssue({ comments: [] }), config, APP_LOGIN, undefined, state, prev);
    expect(out.state).toMatchObject({ respondedAt: prev.respondedAt, respondedBy: "carol" });
    expect(out.decision).toBeNull();
  });

  it("keeps the recorded response against a later responder comment", () => {
    const prev: MarkerState = { ...state, respondedAt: "2026-12-01T10:00:00.000-08:00", respondedBy: "carol" };
    const item = anIssue({ comments: [aComment({ author: dave, createdAt: "2026-12-01T11:00:00.000-08:00" })] });
    const out = recordResponse(item, config, APP_LOGIN, undefined, state, prev);
    expect(out.state.respondedBy).toBe("carol");
    expect(out.decision).toBeNull();
  });

  it("replaces the recorded response by an earlier one that turns up late, without calling it the first record", () => {
    const prev: MarkerState = { ...state, respondedAt: "2026-12-01T11:00:00.000-08:00", respondedBy: "dave" };
    const item = anIssue({
      comments: [aComment({ author: dave, createdAt: "2026-12-01T11:00:00.000-08:00" }), aComment({ author: carol, createdAt: "2026-12-01T09:30:00.000-08:00" })],
    });
    const out = recordResponse(item, config, APP_LOGIN, undefined, state, prev);
    expect(out.state).toMatchObject({ respondedAt: "2026-12-01T09:30:00.000-08:00", respondedBy: "carol" });
    expect(out.firstRecorded).toBe(false);
    expect(out.decision).not.toBeNull();
  });

  it("counts a member of a configured team as a responder", () => {
    const teams = cfg({ responders: { associations: [], users: [], teams: ["acme/support"] } });
    const item = anIssue({ comments: [aComment({ author: { login: "Tess", isBot: false }, association: "NONE", createdAt: "2026-12-01T10:00:00.000-08:00" })] });
    expect(recordResponse(item, teams, APP_LOGIN, undefined, state, null).state.respondedBy).toBeUndefined();
    expect(recordResponse(item, teams, APP_LOGIN, new Set(["tess"]), state, null).state.respondedBy).toBe("Tess");
  });
});
