import { z } from "zod";

export const callbackQuery = z.object({
  code: z.string().max(512).optional(),
  next: z.string().max(2048).optional(),
  // auth-js adds it to the redirect: which pending PKCE flow (verifier cookie) the code is for.
  sb_flow_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional()
    .catch(undefined),
  error: z.string().max(200).optional(),
  error_code: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});
