import type { Metadata } from "next";
import { cookies } from "next/headers";
import { ChatPanel } from "@/components/chat/chat-panel";
import { CHAT_INPUT_ID } from "@/components/chat/composer";
import { AppHeader } from "@/components/shell/app-header";
import type { ModelInfo } from "@/components/shell/model-status";
import { SkipLink } from "@/components/shell/skip-link";
import { WorkspacePanel } from "@/components/workspace/workspace-panel";
import { decodePreferences, PREFERENCES_COOKIE } from "@/lib/preferences";

const PROJECT_TITLE = "Untitled project";

export const metadata: Metadata = {
  title: `${PROJECT_TITLE} · Tessera`,
};

export default async function BuilderPage() {
  const preferences = decodePreferences((await cookies()).get(PREFERENCES_COOKIE)?.value);
  // The builder has no model connection yet, so no provider is offered even when its variables are
  // set. The model layer fills this in (configuredModelProviders() in lib/env.ts knows which are).
  const model: ModelInfo = { providers: [] };
  const modelConfigured = model.providers.length > 0;

  return (
    <div className="flex min-h-dvh flex-col md:h-dvh md:min-h-0 md:overflow-hidden">
      <SkipLink targetId={CHAT_INPUT_ID}>Skip to chat input</SkipLink>
      <AppHeader projectTitle={PROJECT_TITLE} model={model} preferences={preferences} />
      <main className="flex flex-1 flex-col md:min-h-0 md:flex-row">
        <ChatPanel
          modelConfigured={modelConfigured}
          className="min-h-[32rem] md:min-h-0 md:w-2/5 md:max-w-[40rem] md:min-w-[22rem] md:flex-none md:border-r"
        />
        <WorkspacePanel codeFontSize={preferences.codeFontSize} className="min-h-[32rem] flex-1 border-t md:min-h-0 md:border-t-0" />
      </main>
    </div>
  );
}
