import { requestJson } from "@/components/builder/api";

export interface KeptKey {
  provider: string;
  last4: string;
  createdAt: string;
  updatedAt: string;
}

export const listKeptKeys = () => requestJson<{ enabled: boolean; keys: KeptKey[] }>("GET", "/api/keys");
export const saveKeptKey = (provider: string, apiKey: string) => requestJson<{ key: KeptKey }>("PUT", `/api/keys/${encodeURIComponent(provider)}`, { apiKey });
export const deleteKeptKey = (provider: string) => requestJson("DELETE", `/api/keys/${encodeURIComponent(provider)}`);
