import { describe, expect, it } from "vitest";
import { AppError, ERROR_STATUS, errorBody } from "@/lib/errors";

describe("errorBody", () => {
  it("maps each code to its status", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(errorBody(new AppError(code as keyof typeof ERROR_STATUS, "m"), "r1").status).toBe(status);
    }
  });

  it("reduces an unknown failure to a generic 500 without stack, path, SQL or secret", () => {
    const err = new Error('duplicate key value violates unique constraint "users_pkey" at /srv/tessera/lib/db.ts:12 sk-live-abcdefghijklmnop');
    const { status, body } = errorBody(err, "req-12345678");
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: "internal", message: expect.any(String), requestId: "req-12345678" } });
    const text = JSON.stringify(body);
    for (const leak of ["duplicate key", "/srv/", "sk-live", "at ", "lib/db"]) expect(text).not.toContain(leak);
  });

  it("keeps field issues and headers of typed errors", () => {
    const { body, headers } = errorBody(
      new AppError("rate_limit:exceeded", "slow down", { headers: { "Retry-After": "3" }, fields: [{ path: "body.x", message: "bad" }] }),
      "r",
    );
    expect(headers).toEqual({ "Retry-After": "3" });
    expect(body.error.fields).toEqual([{ path: "body.x", message: "bad" }]);
  });
});
