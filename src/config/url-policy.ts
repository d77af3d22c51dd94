/**
 * Which outgoing URLs the app may POST to (escalation notifications).
 *
 * Whoever can push a repository's configuration chooses the URL, so without a policy
 * they could aim the server at its own neighbours: a cloud metadata service
 * (169.254.169.254), a database on loopback, an admin page on the private network. The
 * policy: https only, and no address that is not globally routable — loopback,
 * link-local, private, unique-local, CGNAT, unspecified, multicast, documentation and
 * reserved ranges, and their IPv4-mapped / NAT64 IPv6 forms. It is applied to literal
 * URLs when the configuration is loaded (a configuration error naming the key and line)
 * and again at send time to every address the host name resolves to (src/github/webhook.ts
 * connects only to an address checked here, so DNS cannot switch it in between).
 *
 * `SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1` in the server's environment lifts the policy
 * (http and private addresses allowed): for local testing and on-premises receivers.
 *
 * Pure: no DNS here. Ranges are node's own `net.BlockList`, not hand-written bit math.
 */
import { BlockList, isIP } from "node:net";

export const ALLOW_PRIVATE_URLS_ENV = "SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS";

/** True when the environment opts in to http and private addresses ("1", "true" or "yes"). */
export function allowPrivateUrls(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[ALLOW_PRIVATE_URLS_ENV];
  return v !== undefined && /^(1|true|yes)$/i.test(v.trim());
}

interface Range {
  readonly net: string;
  readonly prefix: number;
  readonly family: "ipv4" | "ipv6";
  readonly what: string;
}

/** Not globally routable, by what each range is (the name goes into messages). */
const RANGES: readonly Range[] = [
  { net: "0.0.0.0", prefix: 8, family: "ipv4", what: "an unspecified (\"this network\") address" },
  { net: "10.0.0.0", prefix: 8, family: "ipv4", what: "a private address" },
  { net: "100.64.0.0", prefix: 10, family: "ipv4", what: "a carrier-grade NAT (shared) address" },
  { net: "127.0.0.0", prefix: 8, family: "ipv4", what: "a loopback address" },
  { net: "169.254.0.0", prefix: 16, family: "ipv4", what: "a link-local address" },
  { net: "172.16.0.0", prefix: 12, family: "ipv4", what: "a private address" },
  { net: "192.0.0.0", prefix: 24, family: "ipv4", what: "an IETF protocol address" },
  { net: "192.0.2.0", prefix: 24, family: "ipv4", what: "a documentation address" },
  { net: "192.88.99.0", prefix: 24, family: "ipv4", what: "a 6to4 relay address" },
  { net: "192.168.0.0", prefix: 16, family: "ipv4", what: "a private address" },
  { net: "198.18.0.0", prefix: 15, family: "ipv4", what: "a benchmarking address" },
  { net: "198.51.100.0", prefix: 24, family: "ipv4", what: "a documentation address" },
  { net: "203.0.113.0", prefix: 24, family: "ipv4", what: "a documentation address" },
  { net: "224.0.0.0", prefix: 4, family: "ipv4", what: "a multicast address" },
  { net: "240.0.0.0", prefix: 4, family: "ipv4", what: "a reserved address" },
  { net: "::", prefix: 128, family: "ipv6", what: "the unspecified address" },
  { net: "::1", prefix: 128, family: "ipv6", what: "a loopback address" },
  // IPv4-compatible (deprecated) addresses; :: and ::1 are named above.
  { net: "::", prefix: 96, family: "ipv6", what: "an IPv4-compatible address" },
  { net: "64:ff9b:1::", prefix: 48, family: "ipv6", what: "a local-use NAT64 address" },
  { net: "100::", prefix: 64, family: "ipv6", what: "a discard-only address" },
  { net: "2001:db8::", prefix: 32, family: "ipv6", what: "a documentation address" },
  { net: "fc00::", prefix: 7, family: "ipv6", what: "a unique-local address" },
  // Tunnels that embed an IPv4 address (which may be private): refused whole.
  { net: "2002::", prefix: 16, family: "ipv6", what: "a 6to4 address" },
  { net: "2001::", prefix: 32, family: "ipv6", what: "a Teredo address" },
  { net: "fe80::", prefix: 10, family: "ipv6", what: "a link-local address" },
  { net: "fec0::", prefix: 10, family: "ipv6", what: "a site-local address" },
  { net: "ff00::", prefix: 8, family: "ipv6", what: "a multicast address" },
];

/** One BlockList per range, most specific first, so a refusal can say what the address is. */
const LISTS: readonly { list: BlockList; range: Range }[] = [...RANGES]
  .sort((a, b) => b.prefix - a.prefix)
  .map((range) => {
    const list = new BlockList();
    list.addSubnet(range.net, range.prefix, range.family);
    return { list, range };
  });

const ALL = new BlockList();
for (const r of RANGES) ALL.addSubnet(r.net, r.prefix, r.family);

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach IPv4 hosts:
 * IPv4-mapped (::ffff:a.b.c.d) and the NAT64 well-known prefix (64:ff9b::a.b.c.d).
 */
function embeddedIPv4(address: string): string | null {
  // The URL parser writes IPv6 in canonical compressed form, the embedded part as hex.
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const m = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!m) return null;
  const hi = parseInt(m[1] ?? "0", 16);
  const lo = parseInt(m[2] ?? "0", 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/**
 * Why an IP address may not be used ("a loopback address"), or null when it is globally
 * routable. Anything that is not an IP address at all is refused too.
 */
export function blockedAddress(address: string): string | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  // A zone index (fe80::1%eth0) only exists on link-local addresses.
  const ip = bare.replace(/%.*$/, "");
  const family = isIP(ip);
  if (family === 0) return "not an IP address";
  if (family === 6) {
    const v4 = embeddedIPv4(ip);
    if (v4 !== null) {
      const inner = blockedAddress(v4);
      return inner === null ? null : `${inner} (in IPv6 form)`;
    }
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  if (!ALL.check(ip, type)) return null;
  for (const { list, range } of LISTS) if (list.check(ip, type)) return range.what;
  return "a non-public address";
}

/** `localhost`, `foo.localhost` (RFC 6761), with or without the trailing dot. */
export function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}

export type UrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly message: string };

export interface UrlPolicyOptions {
  /** The environment opt-in: http and private addresses allowed. */
  readonly allowPrivate: boolean;
}

export const PRIVATE_OPT_IN_HINT = `${ALLOW_PRIVATE_URLS_ENV}=1 in the app's environment allows http and private addresses, for local testing and on-premises receivers`;

/**
 * The checks that need no DNS: scheme, credentials, `localhost` names and literal IP
 * addresses. `what` names the URL in messages ("the webhook URL").
 */
export function checkOutgoingUrl(text: string, options: UrlPolicyOptions, what = "the webhook URL"): UrlCheck {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, message: `${what} is not a URL; write e.g. https://hooks.example.com/support` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, message: `${what} is not an http(s) URL; write e.g. https://hooks.example.com/support` };
  }
  if (url.username !== "" || url.password !== "") {
    return { ok: false, message: `${what} must not contain credentials; put the signing secret in the environment variable named by secret_env` };
  }
  if (options.allowPrivate) return { ok: true, url };
  if (url.protocol === "http:") return { ok: false, message: `${what} uses http; notifications are sent over https only (${PRIVATE_OPT_IN_HINT})` };
  if (isLocalhostName(url.hostname)) return { ok: false, message: `${what} points at localhost, which is this server; notifications go to public addresses only (${PRIVATE_OPT_IN_HINT})` };
  if (isIP(url.hostname.replace(/^\[|\]$/g, "")) !== 0) {
    const why = blockedAddress(url.hostname);
    if (why !== null) return { ok: false, message: `${what} points at ${url.hostname}, ${why}; notifications go to public addresses only (${PRIVATE_OPT_IN_HINT})` };
  }
  return { ok: true, url };
}
