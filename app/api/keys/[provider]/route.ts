import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/route";
import { deleteKey, saveKey } from "@/lib/keys";
import { rateRule } from "@/lib/limits";
import { keyParams, saveKeyBody } from "./schema";

/** Keep a provider key, sealed; the answer shows only its last 4 characters. */
export const PUT = route({
  params: keyParams,
  body: saveKeyBody,
  // A kept key serves this user's later requests: only a session Supabase still knows may leave one.
  confirmSession: true,
  rateLimit: () => rateRule("keys"),
  handler: async ({ params, body, principal }) => json({ key: await saveKey(principal.userId, params.provider, body.apiKey) }),
});

export const DELETE = route({
  params: keyParams,
  rateLimit: () => rateRule("keys"),
  handler: async ({ params, principal }) => {
    if (!(await deleteKey(principal.userId, params.provider))) throw new AppError("not_found", `You have no saved ${params.provider} key.`);
    return json({ deleted: true });
  },
});
