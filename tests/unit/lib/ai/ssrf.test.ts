import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { nonPublicRange } from "@/lib/ai/ip-ranges";
import { checkBaseUrl, guardedLookup, type Resolver } from "@/lib/ai/ssrf";

const resolverOf = (answers: Record<string, string[]>): Resolver => async (host) => {
  const list = answers[host];
  if (!list) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return list.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
};

const PUBLIC = resolverOf({ "llm.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] });

async function refusal(raw: string, resolve: Resolver = PUBLIC): Promise<string> {
  try {
    await checkBaseUrl(raw, { allowPrivate: false, resolve });
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("bad_request:validation");
    return (err as AppError).message;
  }
  throw new Error(`expected ${raw} to be refused`);
}

describe("nonPublicRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique local"],
    ["fc00::1", "unique local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback, as IPv4-mapped 127.0.0.1"],
    ["::ffff:7f00:1", "loopback, as IPv4-mapped 127.0.0.1"],
    ["::ffff:a9fe:a9fe", "link-local, where cloud metadata lives (169.254.0.0/16), as IPv4-mapped 169.254.169.254"],
    ["::127.0.0.1", "as IPv4-compatible 127.0.0.1"],
    ["64:ff9b::10.0.0.1", "as NAT64 10.0.0.1"],
    ["64:ff9b::a9fe:a9fe", "as NAT64 169.254.169.254"],
    ["64:ff9b:1::1", "local-use NAT64"],
    ["2002:7f00:1::1", "as 6to4 127.0.0.1"],
    ["2001:db8::1", "documentation"],
  ])("%s is not public (%s)", (address, range) => {
    expect(nonPublicRange(address)).toContain(range);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "%s is public",
    (address) => expect(nonPublicRange(address)).toBeNull(),
  );

  it("refuses text that is not an address", () => {
    expect(() => nonPublicRange("localhost")).toThrow(/not an IP address/);
  });
});

describe("checkBaseUrl", () => {
  it("accepts a public https URL and drops the trailing slash", async () => {
    await expect(checkBaseUrl("https://llm.example.com/v1/", { allowPrivate: false, resolve: PUBLIC })).resolves.toBe("https://llm.example.com/v1");
  });

  it("names the address and the way out for loopback", async () => {
    expect(await refusal("http://127.0.0.1:11434/v1")).toBe(
      "Base URL points at a private or loopback address (127.0.0.1: loopback); set ALLOW_PRIVATE_BASE_URL=1 to allow a local server.",
    );
  });

  it("refuses the cloud metadata endpoint", async () => {
    expect(await refusal("http://169.254.169.254/latest/meta-data")).toContain("169.254.169.254: link-local");
  });

  // WHATWG URL parsing normalizes these; the test proves the check sees the normalized address.
  it.each([
    ["http://2130706433/v1", "127.0.0.1"],
    ["http://0x7f.1/v1", "127.0.0.1"],
    ["http://0177.0.0.1/v1", "127.0.0.1"],
    ["http://127.1/v1", "127.0.0.1"],
    ["http://0x7f000001/v1", "127.0.0.1"],
    ["http://0/v1", "0.0.0.0"],
    ["http://[::ffff:127.0.0.1]/v1", "::ffff:7f00:1"],
    ["http://[::1]:8080/v1", "::1"],
    ["http://[::]/v1", "::"],
    ["http://[fe80::1]/v1", "fe80::1"],
    ["http://[64:ff9b::a9fe:a9fe]/v1", "64:ff9b::a9fe:a9fe"],
    ["http://0251.0376.0251.0376/", "169.254.169.254"],
    ["http://0xa9fea9fe/", "169.254.169.254"],
  ])("catches the odd literal %s (%s)", async (raw, address) => {
    expect(await refusal(raw)).toContain(`(${address}:`);
  });

  it("refuses a host name that resolves to loopback (localhost, through the system resolver)", async () => {
    const error = await checkBaseUrl("http://localhost:1234/v1", { allowPrivate: false }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/^Base URL resolves to a private or loopback address \((127\.0\.0\.1|::1): loopback/);
  });

  it("refuses a host when any of its addresses is private, even if another is public", async () => {
    const mixed = resolverOf({ "mixed.example.com": ["93.184.216.34", "10.0.0.5"] });
    expect(await refusal("https://mixed.example.com/v1", mixed)).toContain("10.0.0.5: private");
  });

  it("refuses a host that resolves to an IPv4-mapped private address", async () => {
    const mapped = resolverOf({ "sneaky.example.com": ["::ffff:192.168.0.10"] });
    expect(await refusal("https://sneaky.example.com/v1", mapped)).toContain("as IPv4-mapped 192.168.0.10");
  });

  it("says when a host does not resolve", async () => {
    expect(await refusal("https://nowhere.example.com/v1")).toBe('Base URL host "nowhere.example.com" could not be resolved.');
  });

  it.each([
    ["ftp://llm.example.com/v1", "must start with http:// or https://"],
    ["file:///etc/passwd", "must start with http:// or https://"],
    ["https://user:secret@llm.example.com/v1", "must not contain a user name or password"],
    ["https://llm.example.com/v1?key=x", "query string"],
    ["not a url", "not a valid URL"],
  ])("refuses %s", async (raw, problem) => {
    const message = await refusal(raw);
    expect(message).toContain(problem);
    expect(message).not.toContain("secret");
  });

  it("allows private addresses when the operator says so, without resolving", async () => {
    const never: Resolver = () => Promise.reject(new Error("must not resolve"));
    await expect(checkBaseUrl("http://127.0.0.1:11434/v1", { allowPrivate: true, resolve: never })).resolves.toBe("http://127.0.0.1:11434/v1");
    await expect(checkBaseUrl("http://localhost:11434", { allowPrivate: true, resolve: never })).resolves.toBe("http://localhost:11434");
  });
});

describe("guardedLookup (connect-time check against DNS rebinding)", () => {
  const lookupWith = (resolve: Resolver, options: { all?: boolean; family?: number } = {}) =>
    new Promise<{ err: Error | null; address: unknown; family?: number }>((done) =>
      guardedLookup({ allowPrivate: false, resolve })("rebind.example.com", options, (err, address, family) => done({ err, address, family })),
    );

  it("refuses when the answer at connect time is private, though an earlier one was public", async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? "93.184.216.34" : "127.0.0.1", family: 4 }];
    await expect(checkBaseUrl("https://rebind.example.com/v1", { allowPrivate: false, resolve: rebinding })).resolves.toBeTruthy();
    const { err } = await lookupWith(rebinding);
    expect(err).toBeInstanceOf(AppError);
    expect(err!.message).toContain("127.0.0.1: loopback");
  });

  it("hands public answers to the socket in both callback shapes", async () => {
    const resolve = resolverOf({ "rebind.example.com": ["93.184.216.34", "2606:4700::1111"] });
    expect(await lookupWith(resolve)).toEqual({ err: null, address: "93.184.216.34", family: 4 });
    expect((await lookupWith(resolve, { all: true })).address).toEqual([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700::1111", family: 6 },
    ]);
    expect(await lookupWith(resolve, { family: 6 })).toEqual({ err: null, address: "2606:4700::1111", family: 6 });
  });
});
