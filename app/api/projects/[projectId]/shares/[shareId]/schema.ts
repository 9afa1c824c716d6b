import { z } from "zod";
import { idSchema } from "@/lib/projects/schema";

export const shareParams = z.strictObject({ projectId: idSchema, shareId: z.uuid({ error: "is not a share id" }) });
