import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { AppError } from "../errors";
import { nonPublicRange } from "./ip-ranges";

/**
 * SSRF guard for a base URL a user supplies (DESIGN 4.6). Two checks, because one is not enough:
 *
 * 1. `checkBaseUrl` before the request: the URL's shape, then every address its host resolves to.
 *    This gives the person a clear 400 up front.
 * 2. `guardedLookup` at connect time (used by safe-fetch.ts): the addresses the socket is about to
 *    connect to are checked again, in the same resolution that the connection uses. A host that
 *    answered with a public address for check 1 and a private one a moment later (DNS rebinding)
 *    is refused here, because there is no second lookup between this check and the connect.
 *
 * Odd literal forms (`2130706433`, `0x7f.1`, `0177.0.0.1`, `[::ffff:127.0.0.1]`) need no parser of
 * their own: WHATWG URL parsing turns every IPv4 spelling into dotted decimal and IPv6 into its
 * canonical form, and the range check understands IPv6 forms that carry an IPv4 address.
 */

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface BaseUrlPolicy {
  /** ALLOW_PRIVATE_BASE_URL: the operator runs a local server (Ollama) and accepts the risk. */
  allowPrivate: boolean;
  /** Resolves a host name to every address; tests inject one. Defaults to the system resolver. */
  resolve?: Resolver;
}

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

const refuse = (message: string): never => {
  throw new AppError("bad_request:validation", message);
};

function assertPublic(address: string, how: "points at" | "resolves to"): void {
  const range = nonPublicRange(address);
  if (range) {
    refuse(`Base URL ${how} a private or loopback address (${address}: ${range}); set ALLOW_PRIVATE_BASE_URL=1 to allow a local server.`);
  }
}

/** The URL's host as an IP literal (brackets dropped), or null when it is a name to resolve. */
function literalIp(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) ? host : null;
}

/**
 * Checks a user-supplied base URL and returns it normalized (no trailing slash). Throws
 * `AppError("bad_request:validation")` naming the problem.
 */
export async function checkBaseUrl(raw: string, policy: BaseUrlPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return refuse("Base URL is not a valid URL; give one like https://llm.example.com/v1.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") refuse("Base URL must start with http:// or https://.");
  if (url.username || url.password) refuse("Base URL must not contain a user name or password; send the key as the API key instead.");
  if (url.search || url.hash) refuse("Base URL must not have a query string or a #fragment.");
  if (!url.hostname) refuse("Base URL has no host.");

  const normalized = url.href.replace(/\/+$/, "");
  if (policy.allowPrivate) return normalized;

  const ip = literalIp(url);
  if (ip) {
    assertPublic(ip, "points at");
    return normalized;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(url.hostname);
  } catch {
    return refuse(`Base URL host "${url.hostname}" could not be resolved.`);
  }
  if (addresses.length === 0) refuse(`Base URL host "${url.hostname}" could not be resolved.`);
  // Any private answer refuses the URL: a client may connect to whichever address it likes.
  for (const { address } of addresses) assertPublic(address, "resolves to");
  return normalized;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:net / node:http that resolves as usual, then refuses the connection when any
 * answer is not public. With `allowPrivate` it resolves without checking.
 */
export function guardedLookup(policy: BaseUrlPolicy) {
  const resolve = policy.resolve ?? systemResolver;
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname)
      .then((all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) throw Object.assign(new Error(`could not resolve ${hostname}`), { code: "ENOTFOUND" });
        if (!policy.allowPrivate) for (const { address } of all) assertPublic(address, "resolves to");
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, ""));
  };
}
