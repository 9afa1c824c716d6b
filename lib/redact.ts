/**
 * Secret scrubbing shared by the logger and the error mapper. Two layers, because either alone
 * misses cases: by key name at any depth (a `password` field holds a secret whatever it looks like),
 * and by value shape anywhere in the final text (a key pasted into an error message or a stack).
 */

export const REDACTED = "[redacted]";

/** Keys whose values are secrets whatever their shape. Matched case-insensitively, ignoring - and _. */
const SECRET_KEY = /^(authorization|proxyauthorization|cookie|setcookie|apikey|xapikey|token|accesstoken|refreshtoken|idtoken|password|passwd|secret|clientsecret|privatekey|credentials?|sessiontoken|jwt)$/;

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEY.test(k) || k.endsWith("apikey") || k.endsWith("secret") || k.endsWith("token") || k.endsWith("password");
}

/**
 * Secret-shaped values. Kept deliberately broad: a false positive costs a log line's readability,
 * a false negative leaks a credential.
 */
const VALUE_PATTERNS: RegExp[] = [
  // Provider keys: sk-..., sk-proj-..., sk-ant-..., xai-..., gsk_..., pk_/rk_ live keys.
  /\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_]|ant[-_])?[A-Za-z0-9_-]{16,}/g,
  /\b(?:xai|gsk|fw|nvapi|hf|e2b)[-_][A-Za-z0-9_-]{16,}/g,
  // GitHub, Slack, AWS, Google API keys.
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  // JWTs (three base64url segments, header starting with {" encoded as eyJ).
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  // Authorization schemes.
  /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // Credentials inside URLs: scheme://user:password@host
  /(?<=\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(?=@)/gi,
  // PEM private keys.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export function scrubText(text: string): string {
  let out = text;
  for (const pattern of VALUE_PATTERNS) {
    out = out.replace(pattern, (match, scheme?: string) =>
      typeof scheme === "string" && /^(bearer|basic|token)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/**
 * Deep copy with secret keys replaced and strings scrubbed. Errors become plain objects that keep
 * name, message, stack and own fields, so nothing is lost for debugging but the secrets.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 12) return "[depth limit]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    out.type = value.name;
    out.message = scrubText(value.message);
    if (value.stack) out.stack = scrubText(value.stack);
    if (value.cause !== undefined) out.cause = redactValue(value.cause, depth + 1, seen);
  }
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) && v !== undefined && v !== null ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}
