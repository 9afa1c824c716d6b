import type { ShareSummary } from "@/lib/projects/schema";
import { errorFromResponse } from "@/components/builder/api";

/** The browser side of share links and exports of the open project. */

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { "Content-Type": "application/json", Accept: "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      credentials: "same-origin",
    });
  } catch {
    throw new Error("The server could not be reached.");
  }
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

const base = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;

export const listShares = async (projectId: string) => (await call<{ shares: ShareSummary[] }>("GET", `${base(projectId)}/shares`)).shares;

export const createShare = async (projectId: string, version: number, expiresInDays: number) =>
  (await call<{ share: ShareSummary }>("POST", `${base(projectId)}/shares`, { version, expiresInDays })).share;

export const revokeShare = (projectId: string, shareId: string) => call("DELETE", `${base(projectId)}/shares/${encodeURIComponent(shareId)}`);

export const exportUrl = (projectId: string, version: number) => `${base(projectId)}/versions/${version}/export`;
