import { z } from "zod";
import { email, next } from "../fields";

export const emailLinkBody = z.strictObject({ email, next });
