import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findTargetComment, parseMarker, pendingNotifications, recordDeliveries, renderMarker } from "../../src/triage/marker.js";
import type { MarkerState } from "../../src/triage/types.js";
import { aComment, anIssue, app, carol } from "./helpers.js";

const BASE: MarkerState = {
  priority: "P2",
  plan: "business",
  dueAt: "2026-12-01T13:00:00.000-08:00",
  source: "form",
  setBy: "alice",
};

describe("renderMarker", () => {
  it("writes the keys in contract order", () => {
    const m = renderMarker({
      notices: ["production:P1:form"],
      securityBy: "carol",
      previous: "P4",
      escalatedAt: "2026-12-01T14:00:00.000-08:00",
      respondedBy: "dave",
      respondedAt: "2026-12-01T15:00:00.000-08:00",
      ...BASE,
    });
    expect(m).toBe(
      '<!-- support-triage:target {"priority":"P2","plan":"business","dueAt":"2026-12-01T13:00:00.000-08:00","source":"form","setBy":"alice",' +
        '"respondedAt":"2026-12-01T15:00:00.000-08:00","respondedBy":"dave","escalatedAt":"2026-12-01T14:00:00.000-08:00",' +
        '"securityBy":"carol","previous":"P4","notices":["production:P1:form"]} -->',
    );
  });

  it("cannot be closed early by its content", () => {
    const m = renderMarker({ ...BASE, plan: "x --> <script>&", setBy: "<!-- -->" });
    expect(m.indexOf("-->")).toBe(m.length - 3);
    expect(m.lastIndexOf("<")).toBe(0);
    expect(m.indexOf(">")).toBe(m.length - 1);
    expect(parseMarker(m)).toEqual({ ...BASE, plan: "x --> <script>&", setBy: "<!-- -->" });
  });

  it("round-trips arbitrary states", () => {
    const state = fc.record(
      {
        priority: fc.constantFrom("P1", "P2", "P3", "P4" as const),
        plan: fc.string({ minLength: 1 }),
        dueAt: fc.constant("2026-12-01T13:00:00.000-08:00"),
        source: fc.constantFrom("form", "label" as const),
        setBy: fc.string(),
        respondedBy: fc.string({ minLength: 1 }),
        previous: fc.constantFrom("P3", "P4" as const),
        notices: fc.array(fc.string(), { minLength: 1 }),
        untracked: fc.constant(true as const),
      },
      { requiredKeys: ["priority", "plan", "dueAt", "source", "setBy"] },
    );
    fc.assert(
      fc.property(state, (s) => {
        const m = renderMarker(s as MarkerState);
        expect(m.indexOf("-->")).toBe(m.length - 3);
        expect(parseMarker(`text\n${m}`)).toEqual(s);
      }),
    );
  });
});

describe("parseMarker", () => {
  it.each([
    ["no marker", "hello"],
    ["broken JSON", "<!-- support-triage:target {nope -->"],
    ["unterminated", '<!-- support-triage:target {"priority":"P1"'],
    ["bad priority", '<!-- support-triage:target {"priority":"P9","plan":"x","dueAt":"2026-12-01T13:00:00.000-08:00","source":"form","setBy":"a"} -->'],
    ["missing dueAt", '<!-- support-triage:target {"priority":"P1","plan":"x","source":"form","setBy":"a"} -->'],
    ["an array", "<!-- support-triage:target [1] -->"],
  ])("%s → null", (_n, body) => {
    expect(parseMarker(body)).toBeNull();
  });

  it("ignores unknown keys and drops malformed optional ones", () => {
    const body =
      '<!-- support-triage:target {"priority":"P3","plan":"standard","dueAt":"2026-12-03T09:00:00.000-08:00","source":"label","setBy":"carol",' +
      '"future":{"x":1},"respondedAt":"yesterday","notices":["a",3],"untracked":"yes","previous":"P1"} -->';
    expect(parseMarker(body)).toEqual({
      priority: "P3",
      plan: "standard",
      dueAt: "2026-12-03T09:00:00.000-08:00",
      source: "label",
      setBy: "carol",
      notices: ["a"],
    });
  });

  it("reads `previous` (P3/P4 only), and markers without it as before", () => {
    const m = (extra: string) =>
      `<!-- support-triage:target {"priority":"P2","plan":"business","dueAt":"2026-12-01T13:00:00.000-08:00","source":"label","setBy":"carol"${extra}} -->`;
    expect(parseMarker(m(',"previous":"P4"'))?.previous).toBe("P4");
    expect(parseMarker(m(',"previous":"P3"'))?.previous).toBe("P3");
    for (const bad of ['"P2"', '"p4"', "4", "null", '["P4"]']) {
      const s = parseMarker(m(`,"previous":${bad}`));
      expect(s).not.toBeNull();
      expect(s && "previous" in s).toBe(false);
    }
    expect(parseMarker(m(""))).toEqual({ ...BASE, source: "label", setBy: "carol" });
  });

  it("never throws", () => {
    fc.assert(fc.property(fc.string(), (s) => {
      parseMarker(s);
      parseMarker(`<!-- support-triage:target ${s} -->`);
    }));
  });
});

describe("findTargetComment", () => {
  const marker = renderMarker(BASE);

  it("finds the earliest app comment with a marker, accepting both login spellings", () => {
    const item = anIssue({
      comments: [
        aComment({ id: "human", author: carol, body: marker, createdAt: "2026-12-01T09:00:00Z" }),
        aComment({ id: "later", author: app, body: marker, createdAt: "2026-12-01T11:00:00Z" }),
        aComment({ id: "first", author: { login: "support-triage", isBot: true }, body: marker, createdAt: "2026-12-01T10:00:00Z" }),
        aComment({ id: "no-marker", author: app, body: "a notice", createdAt: "2026-12-01T08:00:00Z" }),
      ],
    });
    expect(findTargetComment(item, "support-triage[bot]")?.comment.id).toBe("first");
    expect(findTargetComment(item, "support-triage")?.comment.id).toBe("first");
    expect(findTargetComment(item, "other-app[bot]")).toBeNull();
  });

  it("returns the comment with a null state when its marker is unreadable", () => {
    const item = anIssue({ comments: [aComment({ author: app, body: "x\n<!-- support-triage:target {oops} -->" })] });
    expect(findTargetComment(item, "support-triage[bot]")).toMatchObject({ state: null });
  });
});

describe("the delivery record (notifiedAt)", () => {
  const ESC = "2026-12-01T14:00:00.000-08:00";
  const AT = "2026-12-01T14:20:00.000-08:00";

  it("is written after escalatedAt, and an empty record is not written", () => {
    expect(renderMarker({ ...BASE, escalatedAt: ESC, notifiedAt: { json: null, slack: AT } })).toContain(
      `"escalatedAt":"${ESC}","notifiedAt":{"json":null,"slack":"${AT}"}`,
    );
    expect(renderMarker({ ...BASE, escalatedAt: ESC, notifiedAt: {} })).not.toContain("notifiedAt");
  });

  it("round-trips pending and delivered entries", () => {
    const state = { ...BASE, escalatedAt: ESC, notifiedAt: { json: null, "support-slack": AT } };
    expect(parseMarker(renderMarker(state))).toEqual(state);
    expect(pendingNotifications(state)).toEqual(["json"]);
  });

  it("reads markers written before the field existed (nothing pending)", () => {
    const old =
      '<!-- support-triage:target {"priority":"P2","plan":"business","dueAt":"2026-12-01T13:00:00.000-08:00","source":"form","setBy":"alice","escalatedAt":"2026-12-01T14:00:00.000-08:00"} -->';
    const state = parseMarker(old);
    expect(state).toEqual({ ...BASE, escalatedAt: ESC });
    expect(state && "notifiedAt" in state).toBe(false);
    expect(pendingNotifications(state!)).toEqual([]);
  });

  it("drops malformed entries, and a record with none left (erring towards not re-sending)", () => {
    const m = (v: string) =>
      parseMarker(`<!-- support-triage:target {"priority":"P2","plan":"business","dueAt":"2026-12-01T13:00:00.000-08:00","source":"form","setBy":"alice","notifiedAt":${v}} -->`);
    expect(m(`{"json":null,"Bad Name":null,"__proto__":null,"slack":"later","teams":"${AT}","x":1}`)?.notifiedAt).toEqual({ json: null, teams: AT });
    for (const bad of ["null", "true", '"json"', "[null]", '{"__proto__":null}', "{}"]) {
      const s = m(bad);
      expect(s).not.toBeNull();
      expect(s && "notifiedAt" in s).toBe(false);
    }
    // A name shadowing Object.prototype is an ordinary entry, not an inherited value.
    const odd = m('{"constructor":null}');
    expect(odd?.notifiedAt).toEqual({ constructor: null });
    expect(pendingNotifications(odd!)).toEqual(["constructor"]);
    expect(pendingNotifications({ ...BASE, notifiedAt: { json: AT } })).toEqual([]);
  });

  it("recordDeliveries edits only the marker, keeps earlier deliveries and adds missing names", () => {
    const body = `Human part\n\n${renderMarker({ ...BASE, escalatedAt: ESC, notifiedAt: { json: null, slack: null, teams: "2026-12-01T14:05:00.000-08:00" } })}\ntrailer`;
    const out = recordDeliveries(body, { json: AT, teams: AT, extra: AT });
    expect(out?.startsWith("Human part\n\n<!-- support-triage:target ")).toBe(true);
    expect(out?.endsWith(" -->\ntrailer")).toBe(true);
    expect(parseMarker(out ?? "")?.notifiedAt).toEqual({ json: AT, slack: null, teams: "2026-12-01T14:05:00.000-08:00", extra: AT });
    expect(recordDeliveries("no marker here", { json: AT })).toBeNull();
    expect(recordDeliveries("<!-- support-triage:target {broken} -->", { json: AT })).toBeNull();
  });
});
