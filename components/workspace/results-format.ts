/** Turning a run's rich results into plain text for display: nothing here renders markup. */

/** A table cell as text: strings as they are, null as empty, objects as compact JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Pretty JSON for a json result; a value JSON cannot hold (a cycle) falls back to String(). */
export function formatJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Base64 as a PNG sends it: anything else is not put in an image URL. */
export function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 !== 1 && /^[A-Za-z0-9+/\s]*={0,2}$/.test(text);
}

/** Rows shown per table; a data frame of a million rows should not become a million <tr>. */
export const MAX_TABLE_ROWS = 500;
