import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const text = readFileSync(path.join(ROOT, "SECURITY.md"), "utf8");
const claimRows = text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Claim") && !l.startsWith("|---"));

describe("SECURITY.md", () => {
  it("has claims", () => {
    expect(claimRows.length).toBeGreaterThanOrEqual(20);
  });

  it.each(claimRows.map((row) => [row.split("|")[1]!.trim().slice(0, 70), row]))("names an existing test: %s", (_claim, row) => {
    const proofs = [...row.matchAll(/`(tests\/[^`]+\.ts)` › "([^"]+)"/g)];
    expect(proofs.length, "every claim names at least one test").toBeGreaterThan(0);
    for (const [, file, name] of proofs) {
      const full = path.join(ROOT, file!);
      expect(existsSync(full), `${file} exists`).toBe(true);
      expect(readFileSync(full, "utf8"), `${file} has a test or suite named "${name}"`).toContain(name);
    }
  });
});
