import * as React from "react";

const subscribe = () => () => {};

/** False while rendering on the server and during hydration, true once the client has taken over. */
export function useHydrated(): boolean {
  return React.useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
