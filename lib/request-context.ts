import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line inside a request carries. Set by the spine around each handler. */
export interface RequestContext {
  requestId: string;
  method?: string;
  path?: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accept an incoming id only if it is a plain token; anything else could forge or break log lines. */
export function acceptRequestId(incoming: string | null | undefined): string {
  if (incoming && REQUEST_ID.test(incoming)) return incoming;
  return crypto.randomUUID();
}
