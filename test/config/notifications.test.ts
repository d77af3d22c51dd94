/** `escalation.webhook`: the old single form, lists, Slack/Teams from the environment, and errors with key path and line. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";

const FILE = ".github/support-triage.yml";
const strict = (text: string) => loadConfig(text, FILE, undefined, { env: {} });
const where = (text: string) => strict(text).errors.map((e) => ({ path: e.path, line: e.line, message: e.message }));

describe("escalation.webhook", () => {
  it("keeps the original form valid: one mapping with url and secret_env is one JSON notification", () => {
    const r = strict("escalation:\n  webhook:\n    url: https://hooks.example.com/support\n    secret_env: HOOK_SECRET\n");
    expect(r.errors).toEqual([]);
    expect(r.config?.escalation.webhooks).toEqual([
      { name: "json", format: "json", url: "https://hooks.example.com/support", url_env: null, secret_env: "HOOK_SECRET" },
    ]);
  });

  it("takes a list: JSON, Slack and Teams, URLs of chat formats from the environment", () => {
    const r = strict(
      [
        "escalation:",
        "  webhook:",
        "    - url_env: SUPPORT_TRIAGE_WEBHOOK_URL",
        "      secret_env: SUPPORT_TRIAGE_WEBHOOK_SECRET",
        "    - format: slack",
        "      url_env: SUPPORT_TRIAGE_SLACK_URL",
        "    - { format: teams, url_env: SUPPORT_TRIAGE_TEAMS_URL, name: support-teams }",
        "",
      ].join("\n"),
    );
    expect(r.errors).toEqual([]);
    expect(r.config?.escalation.webhooks).toEqual([
      { name: "json", format: "json", url: null, url_env: "SUPPORT_TRIAGE_WEBHOOK_URL", secret_env: "SUPPORT_TRIAGE_WEBHOOK_SECRET" },
      { name: "slack", format: "slack", url: null, url_env: "SUPPORT_TRIAGE_SLACK_URL", secret_env: null },
      { name: "support-teams", format: "teams", url: null, url_env: "SUPPORT_TRIAGE_TEAMS_URL", secret_env: null },
    ]);
  });

  it.each(["null", "false", "[]"])("%s means no notification", (v) => {
    const r = strict(`escalation:\n  webhook: ${v}\n`);
    expect(r.errors).toEqual([]);
    expect(r.config?.escalation.webhooks).toEqual([]);
  });

  it("names each bad notification by key path and line", () => {
    const text = [
      "escalation:", //                                          1
      "  webhook:", //                                           2
      "    - format: slack", //                                  3
      "      url_env: SUPPORT_SLACK_URL", //                     4
      "    - format: teams", //                                  5
      "      url: https://acme.webhook.office.com/x", //         6
      "    - url: http://169.254.169.254/latest", //             7
      "    - url: https://[::ffff:127.0.0.1]/x", //              8
      "    - format: slak", //                                   9
      "      url_env: X", //                                     10
      "",
    ].join("\n");
    expect(where(text)).toEqual([
      {
        path: "escalation.webhook[1].url",
        line: 6,
        message:
          "Microsoft Teams webhook URLs are secrets (anyone who has one can post to the channel), so they do not belong in a repository: put it in an environment variable of the app and name the variable with url_env, e.g. url_env: SUPPORT_TRIAGE_TEAMS_URL.",
      },
      {
        path: "escalation.webhook[2].url",
        line: 7,
        message:
          "`http://169.254.169.254/latest` uses http; notifications are sent over https only (SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1 in the app's environment allows http and private addresses, for local testing and on-premises receivers).",
      },
      {
        path: "escalation.webhook[3].url",
        line: 8,
        message:
          "`https://[::ffff:127.0.0.1]/x` points at [::ffff:7f00:1], a loopback address (in IPv6 form); notifications go to public addresses only (SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1 in the app's environment allows http and private addresses, for local testing and on-premises receivers).",
      },
      { path: "escalation.webhook[4].format", line: 9, message: "`slak` is not a notification format; did you mean `slack`? (allowed: json, slack, teams)." },
    ]);
    expect(strict(text).config).toBeNull();
  });

  it.each([
    ["https://169.254.169.254/latest/meta-data/", "a link-local address"],
    ["https://127.0.0.1:6390/", "a loopback address"],
    ["https://10.0.0.8/hook", "a private address"],
    ["https://192.168.1.20/hook", "a private address"],
    ["https://172.20.0.1/hook", "a private address"],
    ["https://100.64.0.1/hook", "a carrier-grade NAT"],
    ["https://[fd00::1]/hook", "a unique-local address"],
    ["https://[fe80::1]/hook", "a link-local address"],
    ["https://[::]/hook", "the unspecified address"],
    ["https://localhost:8443/hook", "points at localhost"],
  ])("refuses %s at load, on the url's line", (url, what) => {
    const errors = where(`plan: standard\nescalation:\n  webhook:\n    url: "${url}"\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: "escalation.webhook.url", line: 4 });
    expect(errors[0]?.message).toContain(what);
  });

  it("with SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1 accepts loopback and http (no warning for a local receiver)", () => {
    const r = loadConfig("escalation:\n  webhook: { url: 'http://127.0.0.1:8080/hook' }\n", FILE, undefined, { env: { SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "1" } });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config?.escalation.webhooks[0]?.url).toBe("http://127.0.0.1:8080/hook");
  });

  it("needs a url or url_env (not both); Slack and Teams need url_env", () => {
    expect(where("escalation:\n  webhook:\n    url: https://a.example.com/x\n    url_env: HOOK_URL\n")).toEqual([
      { path: "escalation.webhook.url", line: 3, message: "Give either url or url_env, not both." },
    ]);
    expect(where("escalation:\n  webhook: { secret_env: S }\n")).toEqual([
      {
        path: "escalation.webhook",
        line: 2,
        message: "Escalation.webhook needs a url (e.g. https://hooks.example.com/support) or url_env (the environment variable that holds it).",
      },
    ]);
    expect(where("escalation:\n  webhook:\n    - format: teams\n")).toEqual([
      {
        path: "escalation.webhook[0]",
        line: 3,
        message: "A Microsoft Teams notification needs url_env: the name of the environment variable that holds the webhook URL.",
      },
    ]);
    expect(where("escalation:\n  webhook:\n    - format: slack\n      url: https://hooks.slack.com/services/T/B/x\n")[0]).toMatchObject({
      path: "escalation.webhook[0].url",
      line: 4,
      message: expect.stringMatching(/^Slack webhook URLs are secrets/),
    });
  });

  it("refuses two notifications of the same name, and bad names and variable names", () => {
    expect(where("escalation:\n  webhook:\n    - url: https://a.example.com/x\n    - url: https://b.example.com/x\n")).toEqual([
      {
        path: "escalation.webhook[1]",
        line: 4,
        message: "Two notifications are named `json` (the other is escalation.webhook[0]); give each its own name, e.g. name: json-2.",
      },
    ]);
    expect(where("escalation:\n  webhook:\n    - {format: slack, url_env: A}\n    - {format: slack, url_env: B, name: slack}\n")).toMatchObject([
      { path: "escalation.webhook[1].name", line: 4 },
    ]);
    expect(where("escalation:\n  webhook: {name: 'Support Slack', url: 'https://a.example.com/x'}\n")).toMatchObject([
      { path: "escalation.webhook.name", line: 2, message: expect.stringMatching(/is not a notification name/) },
    ]);
    expect(where("escalation:\n  webhook:\n    url_env: 'https://hooks.slack.com/x'\n")).toMatchObject([
      { path: "escalation.webhook.url_env", line: 3, message: expect.stringMatching(/is not an environment variable name/) },
    ]);
  });

  it("refuses unknown keys, non-mappings and more than five notifications", () => {
    expect(where("escalation:\n  webhook: {url: 'https://a.example.com/x', channel: '#support'}\n")).toMatchObject([
      { path: "escalation.webhook.channel", line: 2, message: expect.stringMatching(/^Unknown key `channel`/) },
    ]);
    expect(where("escalation:\n  webhook: https://a.example.com/x\n")).toMatchObject([
      { path: "escalation.webhook", line: 2, message: expect.stringMatching(/^Expected a notification/) },
    ]);
    const six = "escalation:\n  webhook:\n" + Array.from({ length: 6 }, (_, i) => `    - {name: n${i}, url: "https://a.example.com/x"}\n`).join("");
    expect(where(six)).toEqual([{ path: "escalation.webhook", line: 3, message: "At most 5 notifications can be configured; 6 are listed." }]);
  });

  it("warns that secret_env has no effect on Slack and Teams", () => {
    const r = strict("escalation:\n  webhook: {format: slack, url_env: SLACK_URL, secret_env: S}\n");
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.path, w.line, w.message])).toEqual([
      ["escalation.webhook.secret_env", 2, "Slack does not check signatures, so secret_env (which signs the generic JSON format) has no effect here."],
    ]);
    expect(r.config?.escalation.webhooks[0]?.secret_env).toBeNull();
  });
});
