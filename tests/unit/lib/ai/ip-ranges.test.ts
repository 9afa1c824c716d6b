import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { nonPublicRange } from "@/lib/ai/ip-ranges";
import { checkBaseUrl } from "@/lib/ai/ssrf";
import { AppError } from "@/lib/errors";

/**
 * The base URL check's address rule (DESIGN 4.6), as properties: every IPv6 form that can carry an
 * IPv4 address is judged by the address it carries, however it is spelled. The oracle for an
 * IPv4 address is its own verdict, so the properties hold whatever the registries say about it.
 */

const hex = (n: number) => n.toString(16);
const groups = (v4: string) => {
  const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
  return [(a << 8) | b, (c << 8) | d] as const;
};

/** Each way an IPv6 address carries an IPv4 one, written in the spellings people and resolvers use. */
const FORMS: Record<string, (v4: string) => string[]> = {
  "IPv4-mapped": (v4) => [`::ffff:${v4}`, `::ffff:${groups(v4).map(hex).join(":")}`, `0:0:0:0:0:FFFF:${v4}`],
  // RFC 6145, `::ffff:0:0:0/96`: the form that passed the check before.
  "IPv4-translated": (v4) => [`::ffff:0:${v4}`, `::ffff:0:${groups(v4).map(hex).join(":")}`, `0:0:0:0:ffff:0:${groups(v4).map(hex).join(":")}`],
  "IPv4-compatible": (v4) => [`::${v4}`, `0:0:0:0:0:0:${groups(v4).map(hex).join(":")}`],
  NAT64: (v4) => [`64:ff9b::${v4}`, `64:ff9b::${groups(v4).map(hex).join(":")}`, `0064:FF9B:0:0:0:0:${v4}`],
  "6to4": (v4) => [`2002:${groups(v4).map(hex).join(":")}::1`, `2002:${groups(v4).map(hex).join(":")}:abcd:0:0:0:1`],
};

const teredo = (server: string, client: string) => {
  const [s1, s2] = groups(server);
  const [c1, c2] = groups(client).map((g) => ~g & 0xffff);
  return `2001:0:${hex(s1)}:${hex(s2)}:8000:1234:${hex(c1!)}:${hex(c2!)}`;
};

// ::, ::1 and the compatible forms of 0.0.0.0/8 are named for themselves; all are non-public anyway.
const v4 = fc.ipV4();
const PUBLIC_V4 = "8.8.8.8";

describe("nonPublicRange: IPv6 forms that carry an IPv4 address", () => {
  it("closes the reported gap: ::ffff:0:7f00:1 is 127.0.0.1, translated", () => {
    expect(nonPublicRange("::ffff:0:7f00:1")).toBe("loopback, as IPv4-translated 127.0.0.1");
    expect(nonPublicRange("::ffff:0:a9fe:a9fe")).toContain("169.254.169.254");
  });

  for (const [form, spell] of Object.entries(FORMS)) {
    it(`${form}: public exactly when the carried address is, in every spelling`, () => {
      fc.assert(
        fc.property(v4, (address) => {
          const inner = nonPublicRange(address);
          for (const spelling of spell(address)) {
            const verdict = nonPublicRange(spelling);
            if (inner === null) expect(verdict, spelling).toBeNull();
            else if (!(form === "IPv4-compatible" && address.startsWith("0.0.0."))) expect(verdict, spelling).toBe(`${inner}, as ${form} ${address}`);
            else expect(verdict, spelling).not.toBeNull();
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it("Teredo: refused when either its server or its client address is not public", () => {
    fc.assert(
      fc.property(v4, (address) => {
        const inner = nonPublicRange(address);
        const asServer = nonPublicRange(teredo(address, PUBLIC_V4));
        const asClient = nonPublicRange(teredo(PUBLIC_V4, address));
        if (inner === null) {
          expect(asServer).toBeNull();
          expect(asClient).toBeNull();
        } else {
          expect(asServer).toBe(`${inner}, as Teredo server ${address}`);
          expect(asClient).toBe(`${inner}, as Teredo client ${address}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("local-use NAT64 (64:ff9b:1::/48) is refused whatever it holds", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 5, maxLength: 5 }), (rest) => {
        expect(nonPublicRange(`64:ff9b:1:${rest.map(hex).join(":")}`)).toContain("local-use NAT64");
      }),
    );
  });
});

describe("nonPublicRange: any IPv6 address", () => {
  it("gives one verdict for every spelling of the same address", () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const parsed = ipaddr.IPv6.parse(new URL(`http://[${address}]`).hostname.slice(1, -1));
        const verdict = nonPublicRange(address);
        for (const spelling of [parsed.toNormalizedString(), parsed.toRFC5952String(), parsed.toNormalizedString().toUpperCase(), `[${address}]`]) {
          expect(nonPublicRange(spelling), spelling).toBe(verdict);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("calls public only global unicast, or a form carrying a public IPv4 address", () => {
    const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3");
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        if (nonPublicRange(address) !== null) return;
        const parsed = ipaddr.IPv6.parse(new URL(`http://[${address}]`).hostname.slice(1, -1));
        const p = parsed.parts;
        // Mapped, translated, compatible (all under ::/64), or NAT64.
        const carriesV4 = p.slice(0, 4).every((x) => x === 0) || (p[0] === 0x64 && p[1] === 0xff9b);
        expect(parsed.match(globalUnicast) || carriesV4, address).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("checkBaseUrl with an IPv6 literal", () => {
  it("refuses a URL whose literal carries a non-public IPv4 address, after the URL parser has normalized it", async () => {
    await fc.assert(
      fc.asyncProperty(v4, fc.constantFrom(...Object.values(FORMS)), async (address, spell) => {
        const refusal = await checkBaseUrl(`http://[${spell(address)[0]}]:11434/v1`, { allowPrivate: false }).then(
          () => null,
          (err: unknown) => err,
        );
        if (nonPublicRange(address) === null) expect(refusal).toBeNull();
        else {
          expect(refusal).toBeInstanceOf(AppError);
          expect((refusal as AppError).message).toMatch(/^Base URL points at a private or loopback address/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
