"use client";

import * as React from "react";
import { ArrowUp, ImagePlus, Square, X } from "lucide-react";
import type { ImageAttachment, ModelOption, TemplateOption } from "@/components/builder/types";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/utils";
import { ACCEPTED_IMAGE_TYPES, attachmentSrc, checkImageFiles, fileToAttachment, MAX_IMAGES } from "./attachments";
import { isSendable, MAX_MESSAGE_CHARS, type ComposerAction, type ComposerState } from "./chat-state";
import { ModelPicker, TemplatePicker } from "./pickers";

export const CHAT_INPUT_ID = "chat-input";

// Fixed locale: the counter is rendered on the server and the client and must match.
const formatCount = (n: number) => n.toLocaleString("en-US");

export interface ComposerProps {
  state: ComposerState;
  dispatch: React.Dispatch<ComposerAction>;
  /** Returns whether the message went out (it does not while a turn is in flight). */
  onSend: (text: string, images: ImageAttachment[]) => boolean;
  onStop: () => void;
  streaming: boolean;
  models: ModelOption[];
  model: ModelOption | null;
  onModelChange: (id: string) => void;
  templates: TemplateOption[];
  template: string;
  onTemplateChange: (id: string) => void;
  textareaRef?: React.Ref<HTMLTextAreaElement>;
  className?: string;
}

export function Composer(props: ComposerProps) {
  const { state, dispatch, onSend, onStop, streaming, models, model, textareaRef, className } = props;
  const hintId = React.useId();
  const countId = React.useId();
  const fileRef = React.useRef<HTMLInputElement>(null);
  const modelConfigured = models.length > 0;
  const imagesRefused = state.images.length > 0 && model !== null && !model.images;
  const canSend = modelConfigured && !streaming && !imagesRefused && isSendable(state.draft, state.images.length);
  const length = state.draft.length;
  const atLimit = length >= MAX_MESSAGE_CHARS;
  const nearLimit = length >= MAX_MESSAGE_CHARS * 0.9;

  function submit(event?: React.FormEvent) {
    event?.preventDefault();
    if (canSend && onSend(state.draft, state.images)) dispatch({ type: "sent" });
  }

  async function addFiles(files: File[]) {
    if (files.length === 0) return;
    const { accepted, errors } = checkImageFiles(files, state.images.length);
    try {
      dispatch({ type: "images/add", images: await Promise.all(accepted.map(fileToAttachment)) });
    } catch {
      errors.push("An image could not be read.");
    }
    dispatch({ type: "error/set", error: errors.length ? errors.join(" ") : null });
  }

  return (
    <form onSubmit={submit} className={cn("flex flex-col gap-2", className)}>
      <div
        className={cn(
          "rounded-xl border border-input bg-background shadow-xs transition-[color,box-shadow]",
          "focus-within:border-ring focus-within:ring-2 focus-within:ring-ring/40",
        )}
      >
        {state.images.length > 0 ? (
          <ul aria-label="Attached images" className="flex flex-wrap gap-2 px-3 pt-3">
            {state.images.map((image, i) => (
              <li key={`${image.name ?? "image"}-${i}`} className="relative" data-testid="composer-image">
                {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL of the user's own file; next/image adds nothing here. */}
                <img src={attachmentSrc(image)} alt={image.name ?? `Image ${i + 1}`} className="size-14 rounded-md border object-cover" />
                <button
                  type="button"
                  aria-label={`Remove ${image.name ?? `image ${i + 1}`}`}
                  onClick={() => dispatch({ type: "images/remove", index: i })}
                  className="absolute -top-1.5 -right-1.5 flex size-5 items-center justify-center rounded-full border bg-background text-muted-foreground shadow-sm outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <X aria-hidden className="size-3" />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <Textarea
          ref={textareaRef}
          id={CHAT_INPUT_ID}
          data-testid="chat-input"
          aria-label="Describe the app you want"
          aria-describedby={`${hintId} ${countId}`}
          placeholder="Describe the app you want to build…"
          rows={3}
          maxLength={MAX_MESSAGE_CHARS}
          value={state.draft}
          onChange={(event) => dispatch({ type: "draft/set", draft: event.target.value })}
          onPaste={(event) => {
            const files = Array.from(event.clipboardData.files);
            if (files.length === 0) return;
            event.preventDefault();
            void addFiles(files);
          }}
          onKeyDown={(event) => {
            // Enter sends, Shift+Enter is a newline; never interrupt an IME composition.
            if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
            event.preventDefault();
            submit();
          }}
          className="max-h-72 min-h-20 resize-none border-0 bg-transparent px-3.5 pt-3 shadow-none focus-visible:ring-0 [field-sizing:content]"
        />
        <div className="flex flex-wrap items-center gap-2 px-3 pb-2.5">
          <input
            ref={fileRef}
            type="file"
            accept={ACCEPTED_IMAGE_TYPES}
            multiple
            hidden
            data-testid="image-input"
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              event.target.value = "";
              void addFiles(files);
            }}
          />
          <Button
            variant="ghost"
            size="icon-sm"
            data-testid="attach-button"
            aria-label={`Attach images (PNG, JPEG, WebP or GIF; up to ${MAX_IMAGES})`}
            title="Attach images"
            disabled={!modelConfigured || state.images.length >= MAX_IMAGES}
            onClick={() => fileRef.current?.click()}
          >
            <ImagePlus aria-hidden />
          </Button>
          <ModelPicker models={models} value={model?.id ?? null} onChange={props.onModelChange} disabled={streaming} />
          <TemplatePicker templates={props.templates} value={props.template} onChange={props.onTemplateChange} disabled={streaming} />
          <span
            id={countId}
            className={cn("ml-auto text-xs tabular-nums text-muted-foreground", nearLimit && "text-warning", atLimit && "font-medium text-destructive")}
          >
            <span className="sr-only">Characters used: </span>
            {formatCount(length)} / {formatCount(MAX_MESSAGE_CHARS)}
            {atLimit ? <span> · limit reached</span> : null}
          </span>
          {streaming ? (
            <Button type="button" size="sm" variant="secondary" data-testid="stop-button" onClick={onStop} className="gap-1.5">
              <Square aria-hidden className="size-3 fill-current" />
              Stop
            </Button>
          ) : (
            <Button type="submit" size="sm" data-testid="send-button" disabled={!canSend} className="gap-1.5">
              Send
              <ArrowUp aria-hidden />
            </Button>
          )}
        </div>
      </div>
      {state.error || imagesRefused ? (
        <p role="alert" data-testid="attachment-error" className="px-1 text-xs leading-relaxed text-destructive">
          {state.error ?? `${model?.label ?? "This model"} does not accept images. Pick a model marked “(images)” or remove the images.`}
        </p>
      ) : null}
      <p id={hintId} data-testid="composer-hint" className="px-1 text-xs leading-relaxed text-muted-foreground">
        {modelConfigured ? (
          <>
            <kbd className="font-sans font-medium text-foreground">Enter</kbd> sends,{" "}
            <kbd className="font-sans font-medium text-foreground">Shift+Enter</kbd> adds a new line.
          </>
        ) : (
          <>
            Sending needs a model: set <code className="font-mono text-foreground">OPENAI_API_KEY</code> (or another provider key) or{" "}
            <code className="font-mono text-foreground">OLLAMA_BASE_URL</code> for a local model, then restart Tessera. See the README.
          </>
        )}
      </p>
    </form>
  );
}
