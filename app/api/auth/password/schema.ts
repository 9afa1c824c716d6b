import { z } from "zod";
import { password } from "../fields";

export const newPasswordBody = z.strictObject({ password });
