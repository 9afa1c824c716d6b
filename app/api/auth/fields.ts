import { z } from "zod";

/**
 * Fields the sign-in endpoints share. Supabase applies its own rules (address format, password
 * policy) and its refusals reach the page in its words; these only bound what is passed on.
 */
export const email = z.string().trim().min(3, { error: "enter your email address" }).max(320);
export const password = z.string().min(1, { error: "enter a password" }).max(200);
/** Where to go once signed in; checked with safeNext wherever it is used. */
export const next = z.string().max(2048).optional();

/** Sign-in bodies are a few hundred bytes. */
export const AUTH_BODY_BYTES = 8 * 1024;
