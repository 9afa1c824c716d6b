import { z } from "zod";
import { idSchema, titleSchema } from "@/lib/projects/schema";

export const listProjectsQuery = z.object({
  q: z.string().max(120).optional(),
});

export const createProjectBody = z.object({
  id: idSchema,
  title: titleSchema.default("Untitled project"),
  createdAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateProjectBody = z.input<typeof createProjectBody>;
