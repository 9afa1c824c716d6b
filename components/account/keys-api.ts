import { errorFromResponse } from "@/components/builder/api";

export interface KeptKey {
  provider: string;
  last4: string;
  createdAt: string;
  updatedAt: string;
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? { Accept: "application/json" } : { "Content-Type": "application/json", Accept: "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    credentials: "same-origin",
  }).catch(() => {
    throw new Error("The server could not be reached.");
  });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

export const listKeptKeys = () => call<{ enabled: boolean; keys: KeptKey[] }>("GET", "/api/keys");
export const saveKeptKey = (provider: string, apiKey: string) => call<{ key: KeptKey }>("PUT", `/api/keys/${encodeURIComponent(provider)}`, { apiKey });
export const deleteKeptKey = (provider: string) => call("DELETE", `/api/keys/${encodeURIComponent(provider)}`);
