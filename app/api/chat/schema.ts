import { z } from "zod";
import { fileSetSchema } from "@/lib/fragment/schema";

/** Caps on what one chat request may carry; the messages say which cap was hit. */
export const CHAT_LIMITS = {
  maxMessages: 100,
  maxMessageChars: 32_000,
  maxImagesPerMessage: 4,
  maxImagesPerRequest: 8,
  maxImageBytes: 5 * 1024 * 1024,
  maxBodyBytes: 24 * 1024 * 1024,
} as const;

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;

const imagePart = z.object({
  mediaType: z.enum(IMAGE_TYPES, { error: "must be image/png, image/jpeg, image/webp or image/gif." }),
  /** Base64 without a data: prefix. Decoded, size-checked and type-sniffed in the handler. */
  data: z.string().max(Math.ceil((CHAT_LIMITS.maxImageBytes * 4) / 3) + 4, {
    error: `is larger than ${CHAT_LIMITS.maxImageBytes / 1048576} MiB; images are capped at ${CHAT_LIMITS.maxImageBytes / 1048576} MiB each.`,
  }),
  name: z.string().max(200).optional(),
});

export const chatMessageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.string().max(CHAT_LIMITS.maxMessageChars, { error: `is longer than ${CHAT_LIMITS.maxMessageChars} characters.` }),
  images: z.array(imagePart).max(CHAT_LIMITS.maxImagesPerMessage, { error: `has more than ${CHAT_LIMITS.maxImagesPerMessage} images.` }).optional(),
});

export const projectIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be 1–64 letters, digits, - or _." });

export const chatBody = z.object({
  projectId: projectIdSchema,
  /** `provider:model`, checked against the server's list of configured models. */
  model: z.string().min(1).max(200),
  /** "auto" lets the model choose; otherwise a template id from the server's list. */
  template: z.string().min(1).max(64).default("auto"),
  messages: z
    .array(chatMessageSchema)
    .min(1, { error: "is empty; send at least one message." })
    .max(CHAT_LIMITS.maxMessages, { error: `has more than ${CHAT_LIMITS.maxMessages} messages; start a new project or trim the history.` })
    .refine((m) => m.at(-1)?.role === "user", { error: "must end with the user's message." })
    .refine((m) => m.reduce((n, x) => n + (x.images?.length ?? 0), 0) <= CHAT_LIMITS.maxImagesPerRequest, {
      error: `carry more than ${CHAT_LIMITS.maxImagesPerRequest} images in total.`,
    }),
  /** The project's current files and template, for follow-ups (the model returns a change set). */
  current: z.object({ template: z.string().min(1).max(64), files: fileSetSchema }).optional(),
  /** Bring-your-own key for this request only; never stored or logged. */
  apiKey: z.string().min(1).max(500).optional(),
  /** A custom OpenAI-compatible base URL; only when the server allows it, never with a server key. */
  baseUrl: z.string().max(500).optional(),
});
export type ChatBody = z.input<typeof chatBody>;
