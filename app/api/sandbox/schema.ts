import { z } from "zod";
import { projectStateSchema } from "@/lib/fragment/schema";
import { projectIdSchema } from "../chat/schema";

export const runBody = z.object({
  projectId: projectIdSchema,
  state: projectStateSchema,
  /** The saved version being run, so the project reopens showing this run. */
  version: z.number().int().min(1).optional(),
});
export type RunBody = z.input<typeof runBody>;
