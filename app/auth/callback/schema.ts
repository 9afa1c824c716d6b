import { z } from "zod";

export const callbackQuery = z.object({
  code: z.string().max(512).optional(),
  next: z.string().max(2048).optional(),
  error: z.string().max(200).optional(),
  error_code: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});
