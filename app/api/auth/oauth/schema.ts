import { z } from "zod";
import { next } from "../fields";

export const oauthBody = z.strictObject({
  provider: z.enum(["github", "google"], { error: "must be github or google" }),
  next,
});
