import { z } from "zod";

export { projectParams } from "../schema";

export const DEFAULT_SHARE_DAYS = 7;

export const createShareBody = z.object({
  version: z.number().int().min(1),
  /** Capped by SHARE_MAX_DAYS in the handler (configuration, not schema). */
  expiresInDays: z.number().int().min(1).max(365).default(DEFAULT_SHARE_DAYS),
});
export type CreateShareBody = z.input<typeof createShareBody>;
