import { orm } from "@/lib/db/client";
import { addMessage } from "@/lib/db/queries";
import { decodeImage } from "@/lib/http/images";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { PROJECT_LIMITS } from "@/lib/projects/schema";
import { addMessageBody, projectParams } from "./schema";

export const POST = route({
  params: projectParams,
  body: addMessageBody,
  maxBodyBytes: 24 * 1024 * 1024,
  maxBodyHint: `Images are capped at ${PROJECT_LIMITS.maxImageBytes / 1048576} MiB each and ${PROJECT_LIMITS.maxImagesPerMessage} per message.`,
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, body, principal }) => {
    // Kept images are what the chat sends the model later: they must be what they claim to be.
    body.message.images?.forEach((img, i) => {
      if (img.data !== "") decodeImage(img.data, img.mediaType, PROJECT_LIMITS.maxImageBytes, `message.images.${i}`);
    });
    const { created } = await addMessage(await orm(), principal.userId, params.projectId, body.message);
    return json({ saved: true }, { status: created ? 201 : 200 });
  },
});
