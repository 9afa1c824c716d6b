import { z } from "zod";
import { email, next, password } from "../fields";

export const signInBody = z.strictObject({ email, password, next });
