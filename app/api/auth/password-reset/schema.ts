import { z } from "zod";
import { email } from "../fields";

export const passwordResetBody = z.strictObject({ email });
