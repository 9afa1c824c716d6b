import { z } from "zod";
import { savedMessageSchema } from "@/lib/projects/schema";

export { projectParams } from "../schema";

export const addMessageBody = z.object({ message: savedMessageSchema });
export type AddMessageBody = z.input<typeof addMessageBody>;
