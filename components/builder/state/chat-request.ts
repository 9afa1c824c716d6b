import { CHAT_LIMITS, type ChatBody } from "@/app/api/chat/schema";
import type { BuilderMessage, Project, Version } from "../types";
import { currentVersionOf } from "./project";

type ChatMessage = ChatBody["messages"][number];

/**
 * The conversation as POST /api/chat takes it: failed turns left out (they carry no answer), no
 * leading assistant turn (an example loaded before the first question), the newest messages within
 * the server's caps, and images kept on the newest messages first.
 */
export function toChatMessages(messages: readonly BuilderMessage[]): ChatMessage[] {
  const answered = messages.filter((m) => m.role === "user" || (!m.error && m.content.trim() !== ""));
  let recent = answered.slice(-CHAT_LIMITS.maxMessages);
  while (recent[0]?.role === "assistant") recent = recent.slice(1);

  let imageBudget = CHAT_LIMITS.maxImagesPerRequest;
  const out: ChatMessage[] = [];
  for (let i = recent.length - 1; i >= 0; i--) {
    const m = recent[i]!;
    // An image without data was dropped from storage to make room (see the repository).
    const kept = (m.images ?? []).filter((i) => i.data !== "");
    const images = m.role === "user" ? kept.slice(0, Math.min(imageBudget, CHAT_LIMITS.maxImagesPerMessage)) : [];
    imageBudget -= images.length;
    out.unshift({
      role: m.role,
      content: m.content.slice(0, CHAT_LIMITS.maxMessageChars),
      ...(images.length ? { images: images.map(({ mediaType, data, name }) => ({ mediaType, data, ...(name ? { name } : {}) })) } : {}),
    });
  }
  return out;
}

export function chatRequestBody(project: Project, model: string, template: string): ChatBody {
  const current: Version | undefined = currentVersionOf(project);
  return {
    projectId: project.id,
    model,
    template,
    messages: toChatMessages(project.messages),
    ...(current ? { current: { template: current.template, files: current.files } } : {}),
  };
}
