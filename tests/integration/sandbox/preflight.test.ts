import { describe, expect, it } from "vitest";
import { localSandboxPreflight } from "@/lib/sandbox/preflight";

describe("local sandbox preflight (real bwrap)", () => {
  it("creates a namespace sandbox on this machine", async () => {
    const result = await localSandboxPreflight(0);
    expect(result).toEqual({ ok: true });
  });
});
