/*
 * Editor text size from the codeFontSize preference (10–24 px). Spelled out so Tailwind generates
 * every class; an inline style would break the CSP (no 'unsafe-inline' for styles).
 */
const CODE_FONT_SIZE_CLASS: Record<number, string> = {
  10: "text-[10px]",
  11: "text-[11px]",
  12: "text-[12px]",
  13: "text-[13px]",
  14: "text-[14px]",
  15: "text-[15px]",
  16: "text-[16px]",
  17: "text-[17px]",
  18: "text-[18px]",
  19: "text-[19px]",
  20: "text-[20px]",
  21: "text-[21px]",
  22: "text-[22px]",
  23: "text-[23px]",
  24: "text-[24px]",
};

export const DEFAULT_CODE_FONT_SIZE = 13;

export function codeFontSizeClass(size: number): string {
  return CODE_FONT_SIZE_CLASS[Math.round(size)] ?? CODE_FONT_SIZE_CLASS[DEFAULT_CODE_FONT_SIZE]!;
}
