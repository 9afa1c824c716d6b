import * as React from "react";
import { browserStorage, localStorageRepository } from "./state/repository";
import type { ServerRepository } from "./state/server-repository";
import type { BuilderStore } from "./state/store";

/**
 * Projects an earlier Tessera kept in this browser's storage move to the server once, so nothing
 * made before projects were kept by the server is lost: each is saved there (under its own id),
 * then removed from the browser. Only in local mode — a signed-in account must not pick up
 * projects someone else left in a shared browser.
 */
export function useBrowserImport(store: BuilderStore, repository: ServerRepository, options: { enabled: boolean; onImported: () => void }): void {
  const { enabled } = options;
  const onImported = React.useRef(options.onImported);
  React.useEffect(() => {
    onImported.current = options.onImported;
  });

  React.useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    void (async () => {
      const local = localStorageRepository({ storage: browserStorage });
      let moved = 0;
      let failed = 0;
      try {
        for (const summary of await local.list()) {
          if (cancelled) return;
          const project = await local.load(summary.id);
          if (!project) continue;
          try {
            await repository.save(project);
            await local.remove(project.id);
            moved++;
          } catch {
            failed++;
          }
        }
      } catch {
        // No storage in this browser (blocked or absent): nothing to move.
        return;
      }
      if (cancelled || moved + failed === 0) return;
      const notice =
        failed === 0
          ? `Moved ${moved === 1 ? "1 project" : `${moved} projects`} saved in this browser to the server; they are in the list.`
          : `Moved ${moved} of ${moved + failed} projects saved in this browser to the server; the others stay in the browser and moving them will be tried again next time.`;
      store.dispatch({ type: "notice/set", notice });
      onImported.current();
    })();
    return () => {
      cancelled = true;
    };
  }, [enabled, repository, store]);
}
