import { describe, expect, it } from "vitest";
import { CHAT_LIMITS } from "@/app/api/chat/schema";
import { toChatMessages } from "@/components/builder/state/chat-request";
import type { BuilderMessage, ImageAttachment } from "@/components/builder/types";
import { NOW } from "./fixtures";

const msg = (id: string, role: BuilderMessage["role"], content: string, extra: Partial<BuilderMessage> = {}): BuilderMessage => ({
  id,
  role,
  content,
  createdAt: NOW,
  ...extra,
});
const image = (name: string): ImageAttachment => ({ mediaType: "image/png", data: "iVBORw0KGgo=", name });

describe("toChatMessages", () => {
  it("leaves out failed turns and a leading assistant message", () => {
    const out = toChatMessages([
      msg("e", "assistant", "Loaded the example"),
      msg("u1", "user", "Build"),
      msg("a1", "assistant", "", { error: { code: "timeout", message: "Too slow.", retryable: true } }),
      msg("u2", "user", "Build, please"),
    ]);
    expect(out).toEqual([
      { role: "user", content: "Build" },
      { role: "user", content: "Build, please" },
    ]);
  });

  it("keeps images on the newest messages within the request's cap", () => {
    const messages = [
      msg("u1", "user", "old", { images: [image("a"), image("b"), image("c"), image("d")] }),
      msg("a1", "assistant", "ok"),
      msg("u2", "user", "newer", { images: [image("e"), image("f"), image("g")] }),
      msg("a2", "assistant", "ok"),
      msg("u3", "user", "newest", { images: [image("h"), image("i")] }),
    ];
    const out = toChatMessages(messages);
    const total = out.reduce((n, m) => n + (m.images?.length ?? 0), 0);
    expect(total).toBe(CHAT_LIMITS.maxImagesPerRequest);
    expect(out.at(-1)?.images?.map((i) => i.name)).toEqual(["h", "i"]);
    expect(out[0]?.images?.map((i) => i.name)).toEqual(["a", "b", "c"]);
  });

  it("leaves out images whose bytes were dropped from storage", () => {
    const out = toChatMessages([msg("u1", "user", "see", { images: [{ ...image("gone"), data: "" }, image("kept")] })]);
    expect(out[0]?.images?.map((i) => i.name)).toEqual(["kept"]);
  });

  it("sends at most the newest messages the server accepts", () => {
    const many = Array.from({ length: 150 }, (_, i) => msg(`m${i}`, i % 2 ? "assistant" : "user", `m${i}`));
    many.push(msg("last", "user", "last"));
    const out = toChatMessages(many);
    expect(out.length).toBeLessThanOrEqual(CHAT_LIMITS.maxMessages);
    expect(out[0]?.role).toBe("user");
    expect(out.at(-1)?.content).toBe("last");
  });
});
