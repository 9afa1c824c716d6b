import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { Builder } from "@/components/builder/builder";
import type { ModelOption, TemplateOption } from "@/components/builder/types";
import { defaultModelId, KEYED_PROVIDERS, listModels, PROVIDERS } from "@/lib/ai";
import { env } from "@/lib/env";
import { authenticator } from "@/lib/auth";
import { listKeys } from "@/lib/keys";
import { decodePreferences, PREFERENCES_COOKIE } from "@/lib/preferences";
import { templateInfos } from "@/lib/sandbox";

/**
 * The builder, for a new project (`/`) or a saved one (`/p/<id>`). Everything the client needs
 * from the server is read here and handed down as plain data: the signed-in user, the preferences
 * cookie, the request's CSP nonce (CodeMirror adds style elements, which the policy only accepts
 * with it), the models this user can use and the templates this server runs.
 */
export async function BuilderPage({ projectId, path }: { projectId?: string; path: string }) {
  const [cookieStore, requestHeaders] = await Promise.all([cookies(), headers()]);
  const auth = await authenticator().authenticate(requestHeaders);
  // proxy.ts sends signed-out visitors to sign in; this holds even if a request slips past it.
  if (!auth.principal) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  const principal = auth.principal;
  const kept = await listKeys(principal.userId).catch(() => []);
  const available = await listModels({ withKeysFor: kept.map((k) => k.provider) });
  const preferences = decodePreferences(cookieStore.get(PREFERENCES_COOKIE)?.value);
  const nonce = requestHeaders.get("x-nonce") ?? undefined;

  const models: ModelOption[] = available.map((m) => ({ id: m.id, label: m.label, images: m.multimodal }));
  const templates: TemplateOption[] = templateInfos().map((t) => ({ id: t.id, title: t.title }));
  const providers = [...new Set(available.map((m) => m.providerLabel))];

  return (
    <Builder
      preferences={preferences}
      nonce={nonce}
      models={models}
      defaultModel={defaultModelId(available)}
      templates={templates}
      providers={providers}
      initialProjectId={projectId}
      account={{ kind: principal.kind, ...(principal.email ? { email: principal.email } : {}), keyedProviders: KEYED_PROVIDERS.map((id) => ({ id, label: PROVIDERS[id].label })) }}
      shareMaxDays={env().SHARE_MAX_DAYS}
    />
  );
}
