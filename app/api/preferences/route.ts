import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { decodePreferences, PREFERENCES_COOKIE, preferencesCookie } from "@/lib/preferences";
import { savePreferencesBody } from "./schema";

export const GET = route({
  rateLimit: () => rateRule("preferences"),
  handler: ({ request }) => {
    const raw = request.headers
      .get("cookie")
      ?.split(/;\s*/)
      .find((c) => c.startsWith(`${PREFERENCES_COOKIE}=`))
      ?.slice(PREFERENCES_COOKIE.length + 1);
    return json({ preferences: decodePreferences(raw) });
  },
});

export const POST = route({
  body: savePreferencesBody,
  rateLimit: () => rateRule("preferences"),
  maxBodyBytes: 1024 * 1024,
  handler: ({ body, request }) =>
    json({ preferences: body }, { headers: { "set-cookie": preferencesCookie(body, new URL(request.url).protocol === "https:") } }),
});
