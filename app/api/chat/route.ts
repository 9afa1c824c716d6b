import { providerOfModel, resolveModel, streamFragment } from "@/lib/ai";
import { orm } from "@/lib/db/client";
import { requireProject } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { decodeImage } from "@/lib/http/images";
import { keptKey } from "@/lib/keys";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { route } from "@/lib/http/route";
import { rateLimiter, rateRule } from "@/lib/limits";
import { templateInfos } from "@/lib/sandbox";
import { CHAT_LIMITS, chatBody } from "./schema";

export const POST = route({
  body: chatBody,
  maxBodyBytes: CHAT_LIMITS.maxBodyBytes,
  maxBodyHint: `Images are capped at ${CHAT_LIMITS.maxImageBytes / 1048576} MiB each and ${CHAT_LIMITS.maxImagesPerRequest} per request.`,
  rateLimit: () => rateRule("chat"),
  handler: async ({ body, request, requestId, principal }) => {
    // The project must be the caller's (and saved): another user's id is simply not found.
    await requireProject(await orm(), principal.userId, body.projectId);
    const templates = templateInfos();
    if (body.template !== "auto" && !templates.some((t) => t.id === body.template)) {
      throw new AppError("bad_request:validation", `Unknown template "${body.template}". Choose one of: ${templates.map((t) => t.id).join(", ")}, or Auto.`);
    }
    if (body.current && !templates.some((t) => t.id === body.current?.template)) {
      throw new AppError("bad_request:validation", `The project's template "${body.current.template}" is not available on this server.`);
    }
    const messages = body.messages.map((m, i) => ({
      role: m.role,
      content: m.content,
      images: m.images?.map((img, j) => ({
        mediaType: img.mediaType,
        data: decodeImage(img.data, img.mediaType, CHAT_LIMITS.maxImageBytes, `messages.${i}.images.${j}`),
      })),
    }));
    // A key the user keeps for this provider goes with their request (and only theirs); a key sent
    // with the request itself wins, and a custom base URL never gets a kept one.
    const provider = providerOfModel(body.model);
    const kept = !body.apiKey && !body.baseUrl && provider ? await keptKey(principal.userId, provider) : undefined;
    const model = await resolveModel(body.model, { apiKey: body.apiKey ?? kept, baseUrl: body.baseUrl });
    if (messages.some((m) => m.images?.length) && !model.info.multimodal) {
      throw new AppError("bad_request:validation", `${model.info.label} does not accept images. Remove the image or pick a model marked "images".`);
    }
    const daily = await rateLimiter().consume(`user:${principal.userId}`, rateRule("chatDaily"));
    if (!daily.allowed) throw new AppError("rate_limit:quota", "You have used today's generation quota. It resets within 24 hours.");

    return ndjsonResponse(
      request,
      requestId,
      async (send, signal) => {
        for await (const event of streamFragment({ model, messages, current: body.current, template: body.template, templates, signal })) {
          if (event.type === "start") send({ type: "start", model: { id: model.info.id, label: model.info.label }, mode: event.mode });
          else if (event.type === "error") send({ type: "error", error: { ...event.error, requestId } });
          else send(event);
        }
      },
      // Each partial is the whole answer so far: a slow reader needs only the latest one.
      { supersede: (event) => ((event as { type?: unknown }).type === "partial" ? "partial" : undefined) },
    );
  },
});
