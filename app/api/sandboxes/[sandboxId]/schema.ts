import { z } from "zod";

export const sandboxParams = z.strictObject({
  sandboxId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: "is not a sandbox id" }),
});
