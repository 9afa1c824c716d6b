import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { Builder } from "@/components/builder/builder";
import type { ModelOption, TemplateOption } from "@/components/builder/types";
import { defaultModelId, listModels } from "@/lib/ai";
import { decodePreferences, PREFERENCES_COOKIE } from "@/lib/preferences";
import { templateInfos } from "@/lib/sandbox";

export const metadata: Metadata = {
  title: "Untitled project · Tessera",
};

/**
 * The builder. Everything the client needs from the server is read here and handed down as plain
 * data: the preferences cookie, the request's CSP nonce (CodeMirror adds style elements, which the
 * policy only accepts with it), the models configured on this server and the templates it runs.
 */
export default async function BuilderPage() {
  const [cookieStore, requestHeaders, available] = await Promise.all([cookies(), headers(), listModels()]);
  const preferences = decodePreferences(cookieStore.get(PREFERENCES_COOKIE)?.value);
  const nonce = requestHeaders.get("x-nonce") ?? undefined;

  const models: ModelOption[] = available.map((m) => ({ id: m.id, label: m.label, images: m.multimodal }));
  const templates: TemplateOption[] = templateInfos().map((t) => ({ id: t.id, title: t.title }));
  const providers = [...new Set(available.map((m) => m.providerLabel))];
  const defaultModel = defaultModelId(available);

  return <Builder preferences={preferences} nonce={nonce} models={models} defaultModel={defaultModel} templates={templates} providers={providers} />;
}
