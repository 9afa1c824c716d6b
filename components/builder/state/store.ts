import { builderReducer, type BuilderAction, type BuilderState } from "./reducer";

/**
 * The reducer behind a tiny external store rather than useReducer: async orchestration (a stream
 * that dispatches, then reads the new version to run it) needs the state right after a dispatch,
 * not at the next render.
 */
export interface BuilderStore {
  getState(): BuilderState;
  dispatch(action: BuilderAction): void;
  subscribe(listener: () => void): () => void;
}

export function createBuilderStore(initial: BuilderState, reducer = builderReducer): BuilderStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
