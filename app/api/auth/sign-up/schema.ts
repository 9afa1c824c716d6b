import { z } from "zod";
import { email, next, password } from "../fields";

export const signUpBody = z.strictObject({ email, password, next });
