import { z } from "zod";
import { idSchema, titleSchema } from "@/lib/projects/schema";

export const projectParams = z.strictObject({ projectId: idSchema });

export const updateProjectBody = z
  .object({
    title: titleSchema.optional(),
    currentVersion: z.number().int().min(0).optional(),
  })
  .refine((b) => b.title !== undefined || b.currentVersion !== undefined, { error: "needs a title or a currentVersion to change." });
export type UpdateProjectBody = z.input<typeof updateProjectBody>;
