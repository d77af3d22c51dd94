/** The outgoing URL policy: every refused range (with its edges), IPv6 forms of IPv4, names, schemes, the opt-in. */
import { describe, expect, it } from "vitest";
import { allowPrivateUrls, blockedAddress, checkOutgoingUrl, isLocalhostName } from "../../src/config/url-policy.js";

describe("blockedAddress", () => {
  it.each([
    ["0.0.0.0", "an unspecified"],
    ["0.255.255.255", "an unspecified"],
    ["10.0.0.0", "a private address"],
    ["10.255.255.255", "a private address"],
    ["100.64.0.0", "a carrier-grade NAT"],
    ["100.127.255.255", "a carrier-grade NAT"],
    ["127.0.0.1", "a loopback address"],
    ["127.255.255.254", "a loopback address"],
    ["169.254.0.1", "a link-local address"],
    ["169.254.169.254", "a link-local address"],
    ["172.16.0.0", "a private address"],
    ["172.31.255.255", "a private address"],
    ["192.168.0.1", "a private address"],
    ["192.168.255.255", "a private address"],
    ["192.0.0.8", "an IETF protocol address"],
    ["192.0.2.1", "a documentation address"],
    ["198.18.0.1", "a benchmarking address"],
    ["203.0.113.9", "a documentation address"],
    ["224.0.0.1", "a multicast address"],
    ["240.0.0.1", "a reserved address"],
    ["255.255.255.255", "a reserved address"],
    ["::", "the unspecified address"],
    ["::1", "a loopback address"],
    ["fe80::1", "a link-local address"],
    ["febf:ffff::1", "a link-local address"],
    ["fe80::1%eth0", "a link-local address"],
    ["[fe80::1]", "a link-local address"],
    ["fc00::1", "a unique-local address"],
    ["fdff:ffff::1", "a unique-local address"],
    ["fec0::1", "a site-local address"],
    ["ff02::1", "a multicast address"],
    ["2001:db8::1", "a documentation address"],
    ["::ffff:127.0.0.1", "a loopback address (in IPv6 form)"],
    ["::ffff:7f00:1", "a loopback address (in IPv6 form)"],
    ["::ffff:169.254.169.254", "a link-local address (in IPv6 form)"],
    ["::ffff:10.0.0.1", "a private address (in IPv6 form)"],
    ["0:0:0:0:0:ffff:c0a8:0101", "a private address (in IPv6 form)"],
    ["64:ff9b::10.0.0.1", "a private address (in IPv6 form)"],
    ["64:ff9b::7f00:1", "a loopback address (in IPv6 form)"],
    ["::127.0.0.1", "an IPv4-compatible address"],
    ["64:ff9b:1::1", "a local-use NAT64 address"],
  ])("%s is refused as %s", (address, what) => {
    expect(blockedAddress(address)).toContain(what);
  });

  it.each([
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.1",
    "169.253.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "192.169.0.0",
    "8.8.8.8",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2a00:1450:4001::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "fbff:ffff::1",
    "fe7f:ffff::1",
  ])("%s is public", (address) => {
    expect(blockedAddress(address)).toBeNull();
  });

  it("refuses what is not an address at all", () => {
    expect(blockedAddress("hooks.example.com")).toBe("not an IP address");
    expect(blockedAddress("")).toBe("not an IP address");
  });
});

describe("checkOutgoingUrl (no DNS: the literal checks)", () => {
  const strict = { allowPrivate: false };
  const open = { allowPrivate: true };

  it("accepts public https URLs", () => {
    for (const u of ["https://hooks.example.com/support", "https://hooks.slack.com/services/T/B/x", "https://93.184.216.34:8443/h", "https://[2606:4700::1111]/h"]) {
      expect(checkOutgoingUrl(u, strict)).toMatchObject({ ok: true });
    }
  });

  it.each([
    ["http://hooks.example.com/x", /uses http; notifications are sent over https only/],
    ["ftp://example.com/x", /is not an http\(s\) URL/],
    ["not a url", /is not a URL/],
    ["https://user:pw@hooks.example.com/x", /must not contain credentials/],
    ["https://localhost/x", /points at localhost/],
    ["https://LOCALHOST./x", /points at localhost/],
    ["https://app.localhost:8080/x", /points at localhost/],
    ["https://127.0.0.1/x", /points at 127\.0\.0\.1, a loopback address/],
    ["https://2130706433/x", /points at 127\.0\.0\.1, a loopback address/],
    ["https://0x7f.1/x", /points at 127\.0\.0\.1, a loopback address/],
    ["https://169.254.169.254/latest/meta-data/", /a link-local address/],
    ["https://10.1.2.3/x", /a private address/],
    ["https://[::1]/x", /a loopback address/],
    ["https://[::ffff:127.0.0.1]/x", /a loopback address \(in IPv6 form\)/],
    ["https://[::ffff:a9fe:a9fe]/x", /a link-local address \(in IPv6 form\)/],
    ["https://[fd00::1]/x", /a unique-local address/],
    ["https://[::]/x", /the unspecified address/],
    ["https://0/x", /an unspecified/],
    ["https://100.64.1.1/x", /carrier-grade NAT/],
  ])("refuses %s", (url, message) => {
    const r = checkOutgoingUrl(url, strict);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      if (!/credentials|not a|not an http/.test(r.message)) expect(r.message).toContain("SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1");
    }
  });

  it("with the opt-in allows http and private addresses, never other schemes or credentials", () => {
    for (const u of ["http://127.0.0.1:8080/hook", "http://localhost/x", "https://10.0.0.5/x", "http://[::1]:9/x"]) {
      expect(checkOutgoingUrl(u, open)).toMatchObject({ ok: true });
    }
    expect(checkOutgoingUrl("ftp://127.0.0.1/x", open).ok).toBe(false);
    expect(checkOutgoingUrl("http://a:b@127.0.0.1/x", open).ok).toBe(false);
  });
});

describe("the opt-in and names", () => {
  it("reads SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS", () => {
    expect(allowPrivateUrls({})).toBe(false);
    expect(allowPrivateUrls({ SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "1" })).toBe(true);
    expect(allowPrivateUrls({ SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "true" })).toBe(true);
    expect(allowPrivateUrls({ SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "0" })).toBe(false);
    expect(allowPrivateUrls({ SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "" })).toBe(false);
  });

  it("knows localhost names", () => {
    expect(isLocalhostName("localhost")).toBe(true);
    expect(isLocalhostName("Foo.LocalHost.")).toBe(true);
    expect(isLocalhostName("localhost.example.com")).toBe(false);
    expect(isLocalhostName("mylocalhost")).toBe(false);
  });
});
