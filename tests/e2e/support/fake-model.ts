import type { ScriptEntry, RecordedRequest } from "../../support/openai-fake/state";

/** The scripted model server scripts/e2e-server.mjs starts beside the app. */
export const FAKE_URL = `http://127.0.0.1:${process.env.E2E_FAKE_PORT ?? 3211}`;
export const FAKE_MODEL_ID = "compatible:fake-coder";

async function control(path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${FAKE_URL}/__fake/${path}`, {
    method: body === undefined && path === "requests" ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`fake model control ${path}: ${res.status} ${await res.text()}`);
  return res;
}

export const fakeModel = {
  script: (entries: ScriptEntry | ScriptEntry[]) => control("scripts", entries),
  reset: () => control("reset", {}),
  requests: async (): Promise<RecordedRequest[]> => (await control("requests")).json(),
};
