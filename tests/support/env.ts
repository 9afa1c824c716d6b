import { expect } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

/** The problems parseEnv names for a configuration it must refuse. */
export function problemsOf(vars: Record<string, string>): { variable: string; message: string }[] {
  try {
    parseEnv(vars);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as EnvError).problems;
  }
  throw new Error("expected the configuration to be refused");
}
