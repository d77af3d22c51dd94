import { describe, expect, it } from "vitest";
import { scanMarkdown, splitLines } from "../../src/triage/markdown-scan.js";

const headings = (body: string): (string | null)[] => scanMarkdown(body).map((l) => l.heading);
const fenced = (body: string): boolean[] => scanMarkdown(body).map((l) => l.inFence);

describe("splitLines", () => {
  it("splits CRLF, CR and LF alike", () => {
    expect(splitLines("a\r\nb\rc\nd")).toEqual(["a", "b", "c", "d"]);
  });
});

describe("scanMarkdown: level-3 ATX headings", () => {
  it("reads `### Title`, with up to three spaces of indent and a closing run of #s", () => {
    expect(headings("### Priority\n   ### Environment ###\n###\tTabbed")).toEqual(["Priority", "Environment", "Tabbed"]);
  });

  it("keeps #s that are part of the text, and gives an empty heading for `###` alone", () => {
    expect(headings("### C#\n###\n### ###")).toEqual(["C#", "", ""]);
  });

  it("is not fooled by other levels, four spaces of indent or a glued word", () => {
    expect(headings("## Priority\n#### Priority\n    ### Priority\n###Priority")).toEqual([null, null, null, null]);
  });
});

describe("scanMarkdown: fenced code blocks", () => {
  it("marks the fence lines and everything between them, and reads no heading there", () => {
    const body = "### Logs\n```\n### Priority\n```\n### Environment";
    expect(fenced(body)).toEqual([false, true, true, true, false]);
    expect(headings(body)).toEqual(["Logs", null, null, null, "Environment"]);
  });

  it("closes a block only with the same character, at least as long, and nothing after it", () => {
    const body = "````\n```\n~~~~\n```` trailing\n````\n### After";
    expect(fenced(body)).toEqual([true, true, true, true, true, false]);
  });

  it("does not open a backtick fence whose info string has a backtick; tildes may", () => {
    expect(fenced("``` a`b\n### Priority")).toEqual([false, false]);
    expect(fenced("~~~ a`b\n### Priority")).toEqual([true, true]);
  });

  it("treats an unclosed block as running to the end of the body", () => {
    expect(fenced("```\n### Priority\n### Environment")).toEqual([true, true, true]);
  });

  it("needs three characters for a fence", () => {
    expect(fenced("``\n### Priority")).toEqual([false, false]);
  });
});
