import { z } from "zod";
import { COMPONENTS } from "@/lib/health";

export const healthQuery = z.strictObject({
  timeoutMs: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(100).max(10_000).optional(),
});

export const componentParams = z.strictObject({
  component: z.enum(COMPONENTS, { error: `must be one of ${COMPONENTS.join(", ")}` }),
});
