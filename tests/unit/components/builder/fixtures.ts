import type { Fragment, FragmentFile } from "@/lib/fragment/schema";
import { emptyProject } from "@/components/builder/state/project";
import { builderReducer, initialBuilderState, type BuilderAction, type BuilderState } from "@/components/builder/state/reducer";
import type { BuilderMessage } from "@/components/builder/types";

export const NOW = "2026-11-01T10:00:00.000Z";

export function fragment(overrides: Partial<Fragment> = {}): Fragment {
  return {
    title: "Counter",
    description: "A counter.",
    template: "react",
    commentary: "Built a counter.",
    files: [
      { path: "src/App.tsx", content: "export default function App() { return <p>0</p>; }" },
      { path: "src/styles.css", content: "p { color: red; }" },
    ],
    deleted: [],
    dependencies: { npm: [], pip: [] },
    entry: "src/App.tsx",
    port: null,
    ...overrides,
  };
}

export function userMessage(id: string, content = "Build a counter", extra: Partial<BuilderMessage> = {}): BuilderMessage {
  return { id, role: "user", content, createdAt: NOW, ...extra };
}

export function reduce(state: BuilderState, ...actions: BuilderAction[]): BuilderState {
  return actions.reduce(builderReducer, state);
}

export const fresh = (id = "p1"): BuilderState => initialBuilderState(emptyProject(id, NOW));

/** A state after one user message and one model answer (version 1). */
export function withFirstVersion(frag: Fragment = fragment()): BuilderState {
  return reduce(
    fresh(),
    { type: "message/user", message: userMessage("u1"), now: NOW },
    { type: "turn/start", turn: { assistantId: "a1", userMessageId: "u1", autoFix: false }, now: NOW },
    { type: "turn/fragment", fragment: frag, mode: "native", now: NOW },
  );
}

export const files = (state: BuilderState, n = state.project.currentVersion): FragmentFile[] =>
  state.project.versions.find((v) => v.n === n)?.files ?? [];
