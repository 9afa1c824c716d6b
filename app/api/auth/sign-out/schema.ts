import { z } from "zod";

export const signOutBody = z.strictObject({
  /** `local`: this browser's session; `global`: every session of the account, everywhere. */
  scope: z.enum(["local", "global"], { error: "must be local or global" }).default("local"),
});
