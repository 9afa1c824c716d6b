import { describe, expect, it } from "vitest";
import { formatDuration, formatElapsed, RUN_STEPS, stepStatuses } from "@/components/workspace/run-steps";

describe("stepStatuses", () => {
  it("ticks visited steps, marks unvisited earlier ones skipped and later ones pending", () => {
    const s = stepStatuses("starting", ["creating", "writing", "installing", "starting"]);
    expect(s).toEqual({
      creating: "done",
      writing: "done",
      installing: "done",
      building: "skipped",
      publishing: "skipped",
      starting: "current",
      running: "pending",
    });
  });

  it("marks a failed step and covers every step", () => {
    const s = stepStatuses("building", ["creating", "writing", "installing", "building"], true);
    expect(s.building).toBe("failed");
    expect(Object.keys(s)).toEqual([...RUN_STEPS]);
    expect(Object.values(stepStatuses(undefined, []))).toEqual(RUN_STEPS.map(() => "pending"));
  });

  it("counts the steps every run has as done even when their events were not seen", () => {
    const s = stepStatuses("installing", ["installing"]);
    expect([s.creating, s.writing, s.installing]).toEqual(["done", "done", "current"]);
  });
});

describe("durations", () => {
  it("formats elapsed time and durations", () => {
    expect(formatElapsed(4.9)).toBe("4 s");
    expect(formatElapsed(65)).toBe("1 min 05 s");
    expect(formatElapsed(-3)).toBe("0 s");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(123_000)).toBe("2 min 03 s");
  });
});
