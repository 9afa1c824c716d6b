import { z } from "zod";
import { projectStateSchema } from "@/lib/fragment/schema";
import { projectIdSchema } from "../chat/schema";

export const runBody = z.object({
  projectId: projectIdSchema,
  state: projectStateSchema,
});
export type RunBody = z.input<typeof runBody>;
