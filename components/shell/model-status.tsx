import { CircleOff, Cpu } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

export interface ModelInfo {
  /** Display names of the providers whose configuration is present, e.g. ["OpenAI", "Ollama"]. */
  providers: string[];
  /** How many models those providers offer. */
  modelCount?: number;
}

/**
 * Which providers the server offers models from. Until one is configured it says so plainly and
 * names the variables that configure one; the README's configuration table lists them all.
 */
export function ModelStatus({ model, className }: { model: ModelInfo; className?: string }) {
  const configured = model.providers.length > 0;
  return (
    <div data-testid="model-status" className={cn("flex min-w-0 items-center gap-2", className)}>
      {configured ? (
        <Badge variant="outline" title={`Models from ${model.providers.join(", ")}`}>
          <Cpu aria-hidden="true" />
          <span className="max-w-[14rem] truncate">{model.providers.join(", ")}</span>
          {model.modelCount ? <span className="hidden text-muted-foreground sm:inline">· {model.modelCount === 1 ? "1 model" : `${model.modelCount} models`}</span> : null}
        </Badge>
      ) : (
        <>
          <Badge variant="warning">
            <CircleOff aria-hidden="true" />
            <span>
              No model<span className="hidden sm:inline"> configured</span>
            </span>
          </Badge>
          <p className="hidden min-w-0 truncate text-xs text-muted-foreground xl:block">
            Set <code className="font-mono text-foreground">OPENAI_API_KEY</code> or a local{" "}
            <code className="font-mono text-foreground">OLLAMA_BASE_URL</code> and restart (see README).
          </p>
        </>
      )}
    </div>
  );
}
