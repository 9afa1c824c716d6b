import pino, { type Logger } from "pino";
import { env } from "./env";
import { redactValue, scrubText } from "./redact";
import { currentRequestContext } from "./request-context";

/**
 * Security events (DESIGN 4.7). A closed list so dashboards and alerts can rely on the names.
 */
export type SecurityEventName =
  | "auth.failed"
  | "csrf.blocked"
  | "validation.failed"
  | "body.too_large"
  | "body.slow"
  | "host.blocked"
  | "ratelimit.blocked"
  | "route.not_found"
  | "share.not_found"
  | "sandbox.violation"
  | "config.invalid";

function createLogger(destination?: pino.DestinationStream): Logger {
  const config = env();
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    base: { service: "tessera" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line inside a request carries its id without each call site passing it.
    mixin() {
      const ctx = currentRequestContext();
      return ctx ? { requestId: ctx.requestId, ...(ctx.userId ? { userId: ctx.userId } : {}) } : {};
    },
    formatters: {
      // Key-based redaction at any depth, errors included (pino's path redaction stops at fixed paths).
      log: (object) => redactValue(object) as Record<string, unknown>,
    },
    // Value-based redaction of the final line: catches secrets in messages, stacks and any field.
    hooks: { streamWrite: (line) => scrubText(line) },
  };
  if (destination) return pino(options, destination);
  if (config.LOG_PRETTY ?? config.NODE_ENV === "development") {
    // pino-pretty is a dev dependency; loaded only when asked for, in-process (no worker thread).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require("pino-pretty") as (o: object) => pino.DestinationStream;
    return pino(options, pretty({ colorize: true, translateTime: "HH:MM:ss.l" }));
  }
  return pino(options);
}

let root: Logger | undefined;

export function log(): Logger {
  root ??= createLogger();
  return root;
}

/** Test hook: send log lines to a stream the test reads. */
export function setLogDestinationForTests(destination: pino.DestinationStream): Logger {
  root = createLogger(destination);
  return root;
}

/** Log a security event: one line, level warn, with an `event` field alerts can match. */
export function securityEvent(event: SecurityEventName, fields: Record<string, unknown> = {}): void {
  log().warn({ ...fields, event, security: true }, `security event ${event}`);
}
