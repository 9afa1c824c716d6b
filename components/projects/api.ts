import type { ShareSummary } from "@/lib/projects/schema";
import { requestJson } from "@/components/builder/api";

/** The browser side of share links and exports of the open project. */

const base = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;

export const listShares = async (projectId: string) => (await requestJson<{ shares: ShareSummary[] }>("GET", `${base(projectId)}/shares`)).shares;

export const createShare = async (projectId: string, version: number, expiresInDays: number) =>
  (await requestJson<{ share: ShareSummary }>("POST", `${base(projectId)}/shares`, { version, expiresInDays })).share;

export const revokeShare = (projectId: string, shareId: string) => requestJson("DELETE", `${base(projectId)}/shares/${encodeURIComponent(shareId)}`);

export const exportUrl = (projectId: string, version: number) => `${base(projectId)}/versions/${version}/export`;
