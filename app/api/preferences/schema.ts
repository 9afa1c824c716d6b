import { preferencesSchema } from "@/lib/preferences";

/** The whole preference set: a POST replaces it, so every field is required. */
export const savePreferencesBody = preferencesSchema;
