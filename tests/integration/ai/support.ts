import { streamFragment, type StreamFragmentOptions } from "@/lib/ai/generate";
import type { GenerationEvent, TemplateInfo } from "@/lib/ai/types";

export const TEMPLATES: TemplateInfo[] = [
  { id: "react", title: "React + TypeScript", entry: "src/App.tsx", description: "A single-page app built with esbuild." },
  { id: "vue", title: "Vue 3 + TypeScript", entry: "src/App.vue", description: "A single-page app." },
  { id: "html", title: "HTML, CSS and JavaScript", entry: "index.html", description: "Plain files served as written." },
  { id: "python", title: "Python", entry: "main.py", description: "Runs like a notebook cell." },
];

export function reactFragment(over: Record<string, unknown> = {}) {
  return {
    title: "Counter",
    description: "A button that counts clicks.",
    template: "react",
    commentary: "A counter with a button.",
    files: [
      {
        path: "src/App.tsx",
        content: 'import { useState } from "react";\n\nexport default function App() {\n  const [n, setN] = useState(0);\n  return <button onClick={() => setN(n + 1)}>Clicked {n} times</button>;\n}\n',
      },
    ],
    deleted: [],
    dependencies: { npm: [], pip: [] },
    entry: "src/App.tsx",
    port: null,
    ...over,
  };
}

/** Runs one turn to the end and returns every event. */
export async function collect(options: Omit<StreamFragmentOptions, "signal" | "templates" | "template"> & Partial<StreamFragmentOptions>): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of streamFragment({ templates: TEMPLATES, template: "auto", signal: new AbortController().signal, ...options })) {
    events.push(event);
  }
  return events;
}

export function errorOf(events: GenerationEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "error") throw new Error(`expected an error event last, got ${JSON.stringify(last).slice(0, 300)}`);
  return last.error;
}

export const user = (content: string) => [{ role: "user" as const, content }];
