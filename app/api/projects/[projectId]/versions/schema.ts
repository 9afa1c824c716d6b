import { z } from "zod";
import { savedVersionSchema } from "@/lib/projects/schema";

export { projectParams } from "../schema";

export const addVersionBody = z.object({ version: savedVersionSchema });
export type AddVersionBody = z.input<typeof addVersionBody>;
