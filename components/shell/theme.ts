import type { Preferences } from "@/lib/preferences";

export type Theme = Preferences["theme"];

export const THEME_ORDER: readonly Theme[] = ["light", "dark", "system"];

export const THEME_LABEL: Record<Theme, string> = { light: "Light", dark: "Dark", system: "System" };

export function nextTheme(theme: Theme): Theme {
  const index = THEME_ORDER.indexOf(theme);
  return THEME_ORDER[(index + 1) % THEME_ORDER.length] ?? "system";
}

/**
 * Mirror of what app/layout.tsx renders on <html>: data-theme always, class "dark" only for an
 * explicit dark choice ("system" is resolved by CSS with prefers-color-scheme).
 */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
  root.classList.toggle("dark", theme === "dark");
}
