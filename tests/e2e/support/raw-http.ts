import http from "node:http";
import net from "node:net";

/**
 * HTTP the way an attacker sends it, not the way a browser or Playwright's client would: any Host
 * header (a DNS-rebinding page's name, with the connection still going to 127.0.0.1), and bodies
 * that arrive as slowly as the sender likes.
 */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to `url`'s address, with exactly these headers (Host included). */
export function rawRequest(url: string, options: { method?: string; path: string; headers: Record<string, string>; body?: string }): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method: options.method ?? "GET", path: options.path, headers: options.headers, setHost: false, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export interface SlowBodyOutcome {
  /** The status line's code, or 0 if the server never answered. */
  status: number;
  body: string;
  /** Milliseconds from sending the headers to the answer, and to the server closing the connection. */
  answeredAfterMs: number;
  closedAfterMs: number;
  /** Body bytes written before the server answered. */
  sentBeforeAnswer: number;
}

/**
 * A POST whose headers arrive at once and whose declared body then trickles in, one byte every
 * `everyMs`, until the server answers or closes (or `giveUpMs` passes).
 */
export function dribblePost(url: string, options: { path: string; headers: Record<string, string>; length: number; everyMs: number; giveUpMs: number }): Promise<SlowBodyOutcome> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(target.port), target.hostname);
    let raw = "";
    let sent = 0;
    let answeredAfterMs = -1;
    let sentBeforeAnswer = 0;
    const head = [`POST ${options.path} HTTP/1.1`, ...Object.entries({ ...options.headers, "content-length": String(options.length) }).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n");
    socket.write(head);
    const timer = setInterval(() => {
      if (socket.destroyed || answeredAfterMs >= 0 || sent >= options.length) return;
      sent += 1;
      socket.write(" ");
    }, options.everyMs);
    const giveUp = setTimeout(() => socket.destroy(), options.giveUpMs);
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      if (answeredAfterMs < 0) {
        answeredAfterMs = Date.now() - started;
        sentBeforeAnswer = sent;
      }
      raw += d;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      const split = raw.indexOf("\r\n\r\n");
      const chunked = /\r\ntransfer-encoding: chunked\r\n/i.test(raw.slice(0, split + 2));
      const payload = split < 0 ? "" : raw.slice(split + 4);
      resolve({ status, body: chunked ? unchunk(payload) : payload, answeredAfterMs, closedAfterMs: Date.now() - started, sentBeforeAnswer });
    });
  });
}

function unchunk(text: string): string {
  let out = "";
  let rest = text;
  for (;;) {
    const line = rest.indexOf("\r\n");
    if (line < 0) return out;
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}
