import { z } from "zod";
import { KEYED_PROVIDERS } from "@/lib/ai/models";

export const keyParams = z.strictObject({
  provider: z.enum(KEYED_PROVIDERS as unknown as [string, ...string[]], { error: `must be one of ${KEYED_PROVIDERS.join(", ")}` }),
});

export const saveKeyBody = z.object({
  // Printable ASCII without spaces: anything else is not a key and could bend a header.
  apiKey: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{8,500}$/, { error: "must be 8–500 printable characters without spaces." }),
});
export type SaveKeyBody = z.input<typeof saveKeyBody>;
