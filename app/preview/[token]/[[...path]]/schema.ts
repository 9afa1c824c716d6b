import { z } from "zod";

export const previewParams = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: "is not a preview token" }),
  path: z.array(z.string().max(255)).max(32).optional(),
});
