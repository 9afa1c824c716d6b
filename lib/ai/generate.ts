import "server-only";
import { Output, streamText, type OutputInterface } from "ai";
import { env } from "../env";
import { FRAGMENT_LIMITS, modelFragmentSchema } from "../fragment/schema";
import { log } from "../log";
import { malformedError, timeoutError, toGenerationError, truncatedError } from "./errors";
import { extractJsonObject } from "./json-text";
import { imagesProblem, toModelMessages } from "./messages";
import { secretsOf } from "./models";
import { PartialThrottle } from "./partials";
import { buildSystemPrompt } from "./prompt";
import type { ChatMessage, CurrentProject, GenerationError, GenerationEvent, ResolvedModel, TemplateInfo } from "./types";
import { describeProblems, validateFragment } from "./validate";

/**
 * One model turn: stream the answer, show it as it grows, and end with a checked fragment or an
 * error event. Both output modes read the same text stream. In native mode the provider is handed
 * the fragment's JSON schema; in JSON mode the prompt carries the shape and the text is read
 * tolerantly. Either way the final object is validated here, never trusted from the SDK.
 */

export interface StreamFragmentOptions {
  model: ResolvedModel;
  messages: ChatMessage[];
  current?: CurrentProject;
  /** "auto" or a template id from `templates`. */
  template: string;
  templates: TemplateInfo[];
  /** Aborting stops the provider request and ends the stream without an error event. */
  signal: AbortSignal;
  /** No output for this long (first chunk or mid-stream) fails the turn; default MODEL_TIMEOUT_MS. */
  timeoutMs?: number;
}

// Past this the answer cannot become a valid fragment (JSON escaping of code adds well under 2×),
// and a server streaming without end must not grow the heap without end.
const MAX_ANSWER_CHARS = 2 * FRAGMENT_LIMITS.maxTotalBytes;

/**
 * The fragment schema as a response format, with plain-text parsing. Output.object would re-parse
 * the whole answer on every delta (see partials.ts for what that costs) and once more at the end
 * against the lenient model schema; both are done here instead, throttled and strict. The partial
 * "output" is the text itself, as in the SDK's own text mode: the SDK only passes a text delta on
 * when the partial output changed, so returning nothing here would hold every delta to the end.
 */
function schemaOnlyOutput(): OutputInterface<string, string, never> {
  const object = Output.object({ schema: modelFragmentSchema, name: "fragment", description: "A multi-file app project." });
  return {
    name: object.name,
    responseFormat: object.responseFormat,
    parseCompleteOutput: async ({ text }) => text,
    parsePartialOutput: async ({ text }) => ({ partial: text }),
    createElementStreamTransform: () => undefined,
  };
}

/** Aborts when no stream part arrives for `ms`; re-armed by every part. */
class Watchdog {
  readonly controller = new AbortController();
  fired: "first" | "stall" | null = null;
  private sawOutput = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {
    this.arm();
  }

  touch(output: boolean): void {
    this.sawOutput ||= output;
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = this.sawOutput ? "stall" : "first";
      this.controller.abort(new DOMException(`no model output for ${this.ms} ms`, "TimeoutError"));
    }, this.ms);
  }
}

interface StreamOutcome {
  text: string;
  failure?: unknown;
  finishReason?: string;
  tooLarge?: boolean;
}

async function finalEvent(outcome: StreamOutcome, options: StreamFragmentOptions): Promise<GenerationEvent> {
  const fail = (error: GenerationError): GenerationEvent => ({ type: "error", error });
  const { text } = outcome;
  if (outcome.tooLarge) {
    return fail({ code: "fragment_invalid", message: `The model's answer grew past ${MAX_ANSWER_CHARS / 1048576} MiB, more than a project may hold; ask for a smaller app.`, retryable: true });
  }
  const extracted = await extractJsonObject(text);
  if (!extracted.ok) {
    if (outcome.finishReason === "length") return fail(truncatedError("length"));
    return fail(extracted.incomplete ? truncatedError("incomplete") : malformedError(text.trim() === ""));
  }
  const checked = validateFragment(extracted.value, { templates: options.templates, requested: options.template, current: options.current });
  if (!checked.ok) return fail({ code: "fragment_invalid", message: describeProblems(checked.problems), retryable: true });
  return { type: "fragment", fragment: checked.fragment, mode: options.model.mode };
}

export async function* streamFragment(options: StreamFragmentOptions): AsyncGenerator<GenerationEvent> {
  const { model, signal } = options;
  const problem = imagesProblem(model.info, options.messages);
  if (problem) {
    yield { type: "error", error: problem };
    return;
  }
  if (signal.aborted) return;

  const timeoutMs = options.timeoutMs ?? env().MODEL_TIMEOUT_MS;
  const started = performance.now();
  const watchdog = new Watchdog(timeoutMs);
  // Ends the provider request if the consumer stops reading early (the route's client went away).
  const local = new AbortController();
  const outcome: StreamOutcome = { text: "" };
  const throttle = new PartialThrottle();

  yield { type: "start", mode: model.mode };
  try {
    const result = streamText({
      model: model.model,
      system: buildSystemPrompt({ templates: options.templates, template: options.template, current: options.current, mode: model.mode }),
      messages: toModelMessages(options.messages),
      ...(model.mode === "native" ? { output: schemaOnlyOutput() } : {}),
      // Retries are the person's call: a retried 429 only waits longer, and they see retryable errors.
      maxRetries: 0,
      abortSignal: AbortSignal.any([signal, watchdog.controller.signal, local.signal]),
      // Without a handler the SDK prints the raw error, request body included, to the console.
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      watchdog.touch(part.type === "text-delta" || part.type === "reasoning-delta");
      if (part.type === "error") {
        outcome.failure = part.error;
        break;
      }
      if (part.type === "finish") outcome.finishReason = part.finishReason;
      if (part.type !== "text-delta") continue;
      outcome.text += part.text;
      if (outcome.text.length > MAX_ANSWER_CHARS) {
        outcome.tooLarge = true;
        break;
      }
      const partial = await throttle.offer(outcome.text);
      if (partial) yield { type: "partial", fragment: partial };
    }
  } catch (err) {
    outcome.failure = err;
  } finally {
    watchdog.stop();
    local.abort();
  }

  if (signal.aborted) return;
  let final: GenerationEvent;
  if (watchdog.fired) final = { type: "error", error: timeoutError(timeoutMs, watchdog.fired === "stall") };
  else if (outcome.failure !== undefined) final = { type: "error", error: toGenerationError(outcome.failure, { receivedOutput: outcome.text.length > 0, secrets: secretsOf(model) }) };
  else {
    const last = await throttle.flush();
    if (last) yield { type: "partial", fragment: last };
    final = await finalEvent(outcome, options);
  }

  const fields = { model: model.info.id, mode: model.mode, ms: Math.round(performance.now() - started), chars: outcome.text.length };
  if (final.type === "error") log().warn({ ...fields, code: final.error.code }, "model turn failed");
  else log().info({ ...fields, files: final.type === "fragment" ? final.fragment.files.length : 0 }, "model turn finished");
  yield final;
}
