import { z } from "zod";

export const shareTokenParams = z.strictObject({
  // Checked for shape in the lookup (a malformed token counts as a wrong one), so any short string passes here.
  token: z.string().min(1).max(100),
});
