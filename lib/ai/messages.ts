import type { ModelMessage } from "ai";
import type { ChatMessage, GenerationError, ModelInfo } from "./types";

/** Chat history in the SDK's message shape; images become file parts with their media type. */
export function toModelMessages(messages: ChatMessage[]): ModelMessage[] {
  return messages.map((m): ModelMessage => {
    if (m.role === "assistant") return { role: "assistant", content: m.content };
    if (!m.images?.length) return { role: "user", content: m.content };
    return {
      role: "user",
      content: [
        ...(m.content ? [{ type: "text" as const, text: m.content }] : []),
        ...m.images.map((image) => ({ type: "file" as const, mediaType: image.mediaType, data: { type: "data" as const, data: image.data } })),
      ],
    };
  });
}

/** Images sent to a model that cannot see them would be dropped or refused; say so up front. */
export function imagesProblem(model: ModelInfo, messages: ChatMessage[]): GenerationError | null {
  if (model.multimodal || !messages.some((m) => m.images?.length)) return null;
  return {
    code: "images_unsupported",
    message: `${model.label} cannot read images. Remove the images, or pick a model that accepts them.`,
    retryable: false,
  };
}
