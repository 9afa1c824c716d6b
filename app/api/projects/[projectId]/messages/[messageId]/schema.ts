import { z } from "zod";
import { idSchema } from "@/lib/projects/schema";

export const messageParams = z.strictObject({ projectId: idSchema, messageId: idSchema });
