import ipaddr from "ipaddr.js";
import { isIPv4, isIPv6 } from "node:net";

/**
 * Which addresses a user-supplied base URL may not reach (DESIGN 4.6): anything that is not plainly
 * a public unicast address. The special-purpose ranges are ipaddr.js's (IANA's registries, kept up
 * by that library), not a table of ours. Two rules are ours, on top:
 *
 * - An IPv6 address that can carry an IPv4 address is judged by the address it carries: mapped
 *   (::ffff:0:0/96), translated (::ffff:0:0:0/96), compatible (::/96), NAT64 (64:ff9b::/96), 6to4
 *   (2002::/16) and Teredo (2001::/32: its server and its client, either one deciding). A network
 *   that translates or tunnels delivers such a packet to that IPv4 address, so `::ffff:0:7f00:1` is
 *   127.0.0.1 and `64:ff9b::a9fe:a9fe` the metadata endpoint. Local-use NAT64 (64:ff9b:1::/48) is
 *   refused outright: where its IPv4 address sits depends on the local network's prefix length.
 * - Any other IPv6 address outside global unicast (2000::/3) is not public, named by a registry
 *   or not: nothing there is a server on the Internet.
 */

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

const V4_NAMES: Record<string, string> = {
  unspecified: "unspecified (0.0.0.0/8)",
  broadcast: "broadcast (255.255.255.255)",
  multicast: "multicast (224.0.0.0/4)",
  linkLocal: "link-local, where cloud metadata lives (169.254.0.0/16)",
  loopback: "loopback",
  carrierGradeNat: "shared carrier-grade NAT (100.64.0.0/10)",
  private: "private (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
  reserved: "reserved for protocols, documentation, benchmarking or future use",
  as112: "AS112 DNS sink",
  amt: "AMT relay anycast",
};

const V6_NAMES: Record<string, string> = {
  unspecified: "unspecified (::)",
  loopback: "loopback (::1)",
  linkLocal: "link-local (fe80::/10)",
  multicast: "multicast (ff00::/8)",
  uniqueLocal: "unique local, private (fc00::/7)",
  deprecatedSiteLocal: "site-local (fec0::/10)",
  discard: "discard-only (100::/64)",
  reserved: "reserved or documentation (2001::/23, 2001:db8::/32, 3fff::/20)",
  benchmarking: "benchmarking (2001:2::/48)",
  amt: "AMT relay anycast (2001:3::/32)",
  as112v6: "AS112 DNS sink",
  deprecatedOrchid: "ORCHID (2001:10::/28)",
  orchid2: "ORCHIDv2 (2001:20::/28)",
  droneRemoteIdProtocolEntityTags: "drone remote ID tags (2001:30::/28)",
  segmentRouting: "segment routing (5f00::/16)",
};

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");

function v4Of(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([(high >> 8) & 0xff, high & 0xff, (low >> 8) & 0xff, low & 0xff]);
}

function classifyV4(address: IPv4): string | null {
  const range: string = address.range();
  return range === "unicast" ? null : (V4_NAMES[range] ?? `special-purpose (${range})`);
}

/** The IPv4 addresses an IPv6 address carries, and how; "local-use" when that cannot be known. */
function carried(address: IPv6, range: string): { via: string; v4: { role: string; address: IPv4 }[] } | "local-use" | null {
  const p = address.parts;
  const last = { role: "", address: v4Of(p[6]!, p[7]!) };
  switch (range) {
    case "ipv4Mapped":
      return { via: "IPv4-mapped", v4: [last] };
    case "rfc6145":
      return { via: "IPv4-translated", v4: [last] };
    case "rfc6052":
      return p[2] === 0 ? { via: "NAT64", v4: [last] } : "local-use";
    case "6to4":
      return { via: "6to4", v4: [{ role: "", address: v4Of(p[1]!, p[2]!) }] };
    case "teredo":
      // RFC 4380: the server's address as is, the client's with every bit inverted.
      return {
        via: "Teredo",
        v4: [
          { role: "server ", address: v4Of(p[2]!, p[3]!) },
          { role: "client ", address: v4Of(~p[6]! & 0xffff, ~p[7]! & 0xffff) },
        ],
      };
  }
  // IPv4-compatible (::a.b.c.d, deprecated by RFC 4291), which the registries no longer name.
  if (range === "unicast" && p.slice(0, 6).every((x) => x === 0)) return { via: "IPv4-compatible", v4: [last] };
  return null;
}

function classifyV6(address: IPv6): string | null {
  const range: string = address.range();
  const embedded = carried(address, range);
  if (embedded === "local-use") return "local-use NAT64 (64:ff9b:1::/48), whose IPv4 address depends on the local network";
  if (embedded) {
    for (const { role, address: v4 } of embedded.v4) {
      const inner = classifyV4(v4);
      if (inner) return `${inner}, as ${embedded.via} ${role}${v4.toString()}`;
    }
    return null;
  }
  if (range !== "unicast") return V6_NAMES[range] ?? `special-purpose (${range})`;
  if (!address.match(GLOBAL_UNICAST)) return "not global unicast (outside 2000::/3)";
  return null;
}

/**
 * Names the non-public range an IP address falls in ("loopback", "private (…)", …), or null for a
 * public unicast address. Throws on text that is not an IP address (dotted-decimal IPv4 or IPv6,
 * brackets and a zone id allowed).
 */
export function nonPublicRange(address: string): string | null {
  if (isIPv4(address)) return classifyV4(ipaddr.IPv4.parse(address));
  const bare = address.replace(/^\[|\]$/g, "");
  if (isIPv6(bare)) {
    // The URL parser's canonical form first (hex groups, no zone id): ipaddr.js reads the
    // deprecated `::a.b.c.d` as if it were `::ffff:a.b.c.d`, a different address.
    const canonical = new URL(`http://[${bare.replace(/%.*$/, "")}]`).hostname.slice(1, -1);
    return classifyV6(ipaddr.IPv6.parse(canonical));
  }
  throw new Error(`not an IP address: ${JSON.stringify(address)}`);
}
