import { isIPv4, isIPv6 } from "node:net";

/**
 * Which addresses a user-supplied base URL may not reach (DESIGN 4.6): anything that is not plainly
 * a public unicast address. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
 * are judged by the address they carry, so `::ffff:127.0.0.1` or `64:ff9b::a9fe:a9fe` cannot smuggle
 * loopback or the metadata endpoint past the check.
 */

type Range = readonly [prefix: readonly number[], bits: number, name: string];

const V4_RANGES: Range[] = [
  [[0, 0, 0, 0], 8, "unspecified (0.0.0.0/8)"],
  [[10, 0, 0, 0], 8, "private (10.0.0.0/8)"],
  [[100, 64, 0, 0], 10, "shared carrier-grade NAT (100.64.0.0/10)"],
  [[127, 0, 0, 0], 8, "loopback"],
  [[169, 254, 0, 0], 16, "link-local, where cloud metadata lives (169.254.0.0/16)"],
  [[172, 16, 0, 0], 12, "private (172.16.0.0/12)"],
  [[192, 0, 0, 0], 24, "reserved for protocols (192.0.0.0/24)"],
  [[192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"],
  [[192, 88, 99, 0], 24, "6to4 relay (192.88.99.0/24)"],
  [[192, 168, 0, 0], 16, "private (192.168.0.0/16)"],
  [[198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"],
  [[198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"],
  [[203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"],
  [[224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"],
  [[240, 0, 0, 0], 4, "reserved or broadcast (240.0.0.0/4)"],
];

// Prefixes as 16-bit groups. Ranges that embed an IPv4 address are handled separately below.
const V6_RANGES: Range[] = [
  [[0x64, 0xff9b, 1], 48, "local-use NAT64 (64:ff9b:1::/48)"],
  [[0x100, 0, 0, 0], 64, "discard-only (100::/64)"],
  [[0x2001, 0], 32, "Teredo tunnel (2001::/32)"],
  [[0x2001, 0xdb8], 32, "documentation (2001:db8::/32)"],
  [[0xfc00], 7, "unique local, private (fc00::/7)"],
  [[0xfe80], 10, "link-local (fe80::/10)"],
  [[0xfec0], 10, "site-local (fec0::/10)"],
  [[0xff00], 8, "multicast (ff00::/8)"],
];

function inRange(groups: readonly number[], width: number, [prefix, bits]: Range): boolean {
  for (let i = 0; i * width < bits; i++) {
    const take = Math.min(width, bits - i * width);
    const mask = ((1 << take) - 1) << (width - take);
    if (((groups[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function v4Groups(address: string): number[] {
  return address.split(".").map(Number);
}

/** Eight 16-bit groups; a trailing dotted IPv4 part becomes the last two. Zone ids are dropped. */
function v6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, "").toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = v4Groups(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function v4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function classifyV4(address: string): string | null {
  const groups = v4Groups(address);
  return V4_RANGES.find((r) => inRange(groups, 8, r))?.[2] ?? null;
}

/** The IPv4 address an IPv6 address carries, and how, when it is one of the embedding forms. */
function embeddedV4(g: number[]): { v4: string; via: string } | null {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return { v4: v4FromGroups(g[6]!, g[7]!), via: "IPv4-mapped" };
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return { v4: v4FromGroups(g[6]!, g[7]!), via: "IPv4-compatible" };
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { v4: v4FromGroups(g[6]!, g[7]!), via: "NAT64" };
  if (g[0] === 0x2002) return { v4: v4FromGroups(g[1]!, g[2]!), via: "6to4" };
  return null;
}

function classifyV6(address: string): string | null {
  const g = v6Groups(address);
  if (g.every((x) => x === 0)) return "unspecified (::)";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback (::1)";
  const embedded = embeddedV4(g);
  if (embedded) {
    const inner = classifyV4(embedded.v4);
    return inner ? `${inner}, as ${embedded.via} ${embedded.v4}` : null;
  }
  return V6_RANGES.find((r) => inRange(g, 16, r))?.[2] ?? null;
}

/**
 * Names the non-public range an IP address falls in ("loopback", "private (10.0.0.0/8)", …), or
 * null for a public unicast address. Throws on text that is not an IP address.
 */
export function nonPublicRange(address: string): string | null {
  if (isIPv4(address)) return classifyV4(address);
  const bare = address.replace(/^\[|\]$/g, "");
  if (isIPv6(bare)) return classifyV6(bare);
  throw new Error(`not an IP address: ${JSON.stringify(address)}`);
}
