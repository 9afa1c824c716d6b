import * as React from "react";
import type { ImageAttachment } from "@/components/builder/types";

/**
 * The composer's client state: the draft, the images waiting to be sent, and why an attachment was
 * refused. The conversation itself lives in the builder's project state.
 */

export const MAX_MESSAGE_CHARS = 10_000;

export interface ComposerState {
  draft: string;
  images: ImageAttachment[];
  error: string | null;
}

export type ComposerAction =
  | { type: "draft/set"; draft: string }
  | { type: "images/add"; images: ImageAttachment[] }
  | { type: "images/remove"; index: number }
  | { type: "error/set"; error: string | null }
  | { type: "sent" };

export const initialComposerState: ComposerState = { draft: "", images: [], error: null };

export function composerReducer(state: ComposerState, action: ComposerAction): ComposerState {
  switch (action.type) {
    case "draft/set": {
      const draft = action.draft.slice(0, MAX_MESSAGE_CHARS);
      return draft === state.draft ? state : { ...state, draft };
    }
    case "images/add":
      return action.images.length ? { ...state, images: [...state.images, ...action.images] } : state;
    case "images/remove":
      return { ...state, images: state.images.filter((_, i) => i !== action.index), error: null };
    case "error/set":
      return state.error === action.error ? state : { ...state, error: action.error };
    case "sent":
      return initialComposerState;
  }
}

/** A draft that may be sent: something besides whitespace (or an image), within the cap. */
export function isSendable(draft: string, images = 0): boolean {
  return (draft.trim().length > 0 || images > 0) && draft.length <= MAX_MESSAGE_CHARS;
}

export function useComposerState(initial: ComposerState = initialComposerState) {
  const [state, dispatch] = React.useReducer(composerReducer, initial);
  const setDraft = React.useCallback((draft: string) => dispatch({ type: "draft/set", draft }), []);
  return { state, dispatch, setDraft };
}
