import { KeyRound, Server } from "lucide-react";

const PROVIDER_KEYS = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "OPENROUTER_API_KEY"];

function Code({ children }: { children: string }) {
  return <code className="rounded bg-muted px-1 py-0.5 font-mono text-[0.8rem] text-foreground">{children}</code>;
}

/** What to do when the server offers no model: the exact variables, then a restart. */
export function NoModelGuide() {
  return (
    <section data-testid="no-model-guide" aria-labelledby="no-model-guide-title" className="flex flex-col gap-3 rounded-xl border bg-card p-4 text-card-foreground">
      <div className="flex flex-col gap-1">
        <h2 id="no-model-guide-title" className="text-base font-semibold tracking-tight">
          Connect a model to build from chat
        </h2>
        <p className="text-sm leading-relaxed text-muted-foreground">
          No model is configured on this server. Set one of these in <Code>.env</Code> (or the environment), then restart Tessera:
        </p>
      </div>
      <ol className="flex flex-col gap-3 text-sm">
        <li className="flex gap-2.5">
          <KeyRound aria-hidden className="mt-0.5 size-4 shrink-0 text-primary" />
          <div className="flex min-w-0 flex-col gap-1">
            <span className="font-medium">A provider&apos;s API key</span>
            <span className="leading-relaxed break-words text-muted-foreground">
              {PROVIDER_KEYS.map((key, i) => (
                <span key={key}>
                  <Code>{key}</Code>
                  {i < PROVIDER_KEYS.length - 1 ? ", " : ", … (see .env.example for the full list)"}
                </span>
              ))}
            </span>
          </div>
        </li>
        <li className="flex gap-2.5">
          <Server aria-hidden className="mt-0.5 size-4 shrink-0 text-primary" />
          <div className="flex min-w-0 flex-col gap-1">
            <span className="font-medium">Or a local model, no key needed</span>
            <span className="leading-relaxed break-words text-muted-foreground">
              Ollama: <Code>OLLAMA_BASE_URL=http://127.0.0.1:11434</Code>. LM Studio, llama.cpp or vLLM:{" "}
              <Code>OPENAI_COMPATIBLE_BASE_URL=http://127.0.0.1:1234/v1</Code> (any OpenAI-compatible server).
            </span>
          </div>
        </li>
      </ol>
      <p className="text-xs leading-relaxed text-muted-foreground">
        Then restart Tessera (<Code>npm start</Code>) and reload this page. Until then, run one of the examples below: they use the real
        sandbox, only the model is skipped.
      </p>
    </section>
  );
}
