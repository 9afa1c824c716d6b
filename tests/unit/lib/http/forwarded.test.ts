import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIpFrom, sanitizeForwardedHeaders } from "@/lib/http/forwarded";

const socket = { remoteAddress: "::ffff:203.0.113.9", encrypted: false };

describe("X-Forwarded-* handling", () => {
  it("with no trusted proxy, ignores every forwarded header the client sends", () => {
    const headers: IncomingHttpHeaders = { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https", "x-real-ip": "5.6.7.8", forwarded: "for=9.9.9.9" };
    sanitizeForwardedHeaders(headers, socket, 0);
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-real-ip"]).toBeUndefined();
    expect(headers.forwarded).toBeUndefined();
    expect(clientIpFrom(headers["x-forwarded-for"] as string, 0)).toBe("203.0.113.9");
  });

  it("with one trusted proxy, takes the address that proxy saw and not the client's claim", () => {
    // The client forged 1.1.1.1; the proxy appended the real client 198.51.100.7; the socket is the proxy.
    const headers: IncomingHttpHeaders = { "x-forwarded-for": "1.1.1.1, 198.51.100.7", "x-forwarded-proto": "https" };
    sanitizeForwardedHeaders(headers, { remoteAddress: "10.0.0.2" }, 1);
    expect(clientIpFrom(headers["x-forwarded-for"] as string, 1)).toBe("198.51.100.7");
    expect(headers["x-forwarded-proto"]).toBe("https");
  });

  it("never walks past the start of a short chain", () => {
    expect(clientIpFrom("198.51.100.7", 3)).toBe("198.51.100.7");
    expect(clientIpFrom(null, 1)).toBe("unknown");
  });
});
