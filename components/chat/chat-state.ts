import * as React from "react";

/**
 * The chat's client state: the conversation and the composer draft, behind a reducer so the
 * transitions are plain data. When conversations move to the server, `messages/replace` loads them
 * and the components keep using the same hook.
 */

export const MAX_MESSAGE_CHARS = 10_000;

export type ChatRole = "user" | "assistant";

export interface ChatMessage {
  id: string;
  role: ChatRole;
  content: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface ChatState {
  messages: ChatMessage[];
  draft: string;
}

export type ChatAction =
  | { type: "draft/set"; draft: string }
  | { type: "draft/clear" }
  | { type: "message/append"; message: ChatMessage }
  | { type: "messages/replace"; messages: ChatMessage[] };

export const initialChatState: ChatState = { messages: [], draft: "" };

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "draft/set": {
      const draft = action.draft.slice(0, MAX_MESSAGE_CHARS);
      return draft === state.draft ? state : { ...state, draft };
    }
    case "draft/clear":
      return state.draft === "" ? state : { ...state, draft: "" };
    case "message/append":
      return { ...state, messages: [...state.messages, action.message] };
    case "messages/replace":
      return { ...state, messages: action.messages };
  }
}

/** A draft that may be sent: something besides whitespace, within the cap. */
export function isSendable(draft: string): boolean {
  return draft.trim().length > 0 && draft.length <= MAX_MESSAGE_CHARS;
}

function newId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function useChatState(initial: ChatState = initialChatState) {
  const [state, dispatch] = React.useReducer(chatReducer, initial);

  const setDraft = React.useCallback((draft: string) => dispatch({ type: "draft/set", draft }), []);
  const clearDraft = React.useCallback(() => dispatch({ type: "draft/clear" }), []);
  const appendMessage = React.useCallback((message: ChatMessage) => dispatch({ type: "message/append", message }), []);
  const replaceMessages = React.useCallback((messages: ChatMessage[]) => dispatch({ type: "messages/replace", messages }), []);

  /** Turn the draft into a user message (appended) and clear the composer; null if nothing to send. */
  const submitDraft = React.useCallback((): ChatMessage | null => {
    if (!isSendable(state.draft)) return null;
    const message: ChatMessage = { id: newId(), role: "user", content: state.draft.trim(), createdAt: new Date().toISOString() };
    dispatch({ type: "message/append", message });
    dispatch({ type: "draft/clear" });
    return message;
  }, [state.draft]);

  return { state, dispatch, setDraft, clearDraft, appendMessage, replaceMessages, submitDraft };
}
