import { z } from "zod";
import { idSchema } from "@/lib/projects/schema";

export const exportParams = z.strictObject({
  projectId: idSchema,
  n: z.coerce.number({ error: "must be a version number" }).int().min(1).max(1_000_000),
});
