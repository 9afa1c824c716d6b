import { z } from "zod";

/**
 * Every environment variable Tessera reads, validated in one place. No other module reads
 * `process.env` (an ESLint rule and a unit test enforce it), so this schema, `.env.example` and the
 * README's configuration table describe the whole surface. A test keeps the three equal.
 */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

const flag = z
  .enum(["0", "1", "true", "false"], { error: "must be 1/0 or true/false" })
  .optional()
  .transform((v) => v === "1" || v === "true");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const origin = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && u.origin === v.replace(/\/$/, "");
    } catch {
      return false;
    }
  },
  { error: "must be an origin like https://example.com (scheme, host, optional port; no path)" },
);

const optionalOrigin = optionalString.pipe(origin.optional()).transform((v) => v?.replace(/\/$/, ""));

// A DNS name (labels of letters, digits, - and _; no empty label, so no trailing dot) or a bracketed
// IPv6 address, then an optional port. Nothing else: no scheme, user info, path or wildcard.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*)(?::(\d{1,5}))?$/;

/**
 * `host[:port]` as a Host header or ALLOWED_HOSTS entry writes it, with the name normalized the way
 * a browser does (lower case, IPv4 in dotted decimal, IPv6 compressed) and the port as written
 * (null when absent). Null for anything else.
 */
export function parseHostPort(value: string): { hostname: string; port: number | null } | null {
  const match = HOST_PORT.exec(value);
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  try {
    return { hostname: new URL(`http://${match[1]}`).hostname, port };
  } catch {
    return null;
  }
}

const httpUrl = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: "must be an http(s) URL" },
);

const postgresUrl = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.hostname !== "";
    } catch {
      return false;
    }
  },
  { error: "must be a postgres:// or postgresql:// URL with a host" },
);

/** Model-provider variables: presence decides which providers are offered (the builder uses them). */
export const MODEL_PROVIDER_KEYS = {
  OPENAI_API_KEY: "OpenAI",
  ANTHROPIC_API_KEY: "Anthropic",
  GOOGLE_GENERATIVE_AI_API_KEY: "Google",
  MISTRAL_API_KEY: "Mistral",
  GROQ_API_KEY: "Groq",
  XAI_API_KEY: "xAI",
  DEEPSEEK_API_KEY: "DeepSeek",
  FIREWORKS_API_KEY: "Fireworks",
  TOGETHER_AI_API_KEY: "Together",
  OPENROUTER_API_KEY: "OpenRouter",
} as const;

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    HOSTNAME: z
      .string()
      .default("127.0.0.1")
      .refine((v) => LOOPBACK_HOSTS.has(v) || z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success, {
        error: "must be an IP address or localhost (the interface to bind)",
      }),
    PORT: z.coerce.number({ error: "must be a number" }).int().min(1).max(65535).default(3000),
    APP_URL: optionalOrigin,
    ALLOWED_ORIGINS: optionalString.transform((v, ctx) => {
      if (!v) return [] as string[];
      const list = v.split(",").map((s) => s.trim().replace(/\/$/, "")).filter(Boolean);
      for (const item of list) {
        if (!origin.safeParse(item).success) {
          ctx.addIssue({ code: "custom", message: `"${item}" is not an origin like https://example.com` });
          return z.NEVER;
        }
      }
      return list;
    }),
    // Host names (optional :port; without one, any port) this server answers to besides loopback,
    // APP_URL's and PREVIEW_ORIGIN's: the name a proxy sends upstream, an internal alias (DESIGN 4.1).
    ALLOWED_HOSTS: optionalString.transform((v, ctx) => {
      if (!v) return [] as string[];
      const list = v.split(",").map((s) => s.trim()).filter(Boolean);
      const out: string[] = [];
      for (const [i, item] of list.entries()) {
        const parsed = parseHostPort(item);
        if (!parsed) {
          ctx.addIssue({ code: "custom", message: `entry ${i + 1} is not a host name with an optional port, like tessera.example.com or tessera.internal:3000 (no scheme, path or wildcard)` });
          return z.NEVER;
        }
        out.push(parsed.port === null ? parsed.hostname : `${parsed.hostname}:${parsed.port}`);
      }
      return out;
    }),
    TRUST_PROXY: z.coerce.number({ error: "must be a whole number of proxy hops" }).int().min(0).max(10).default(0),
    ALLOW_UNAUTHENTICATED_NETWORK: flag,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // Unset: pretty in development, JSON otherwise.
    LOG_PRETTY: z
      .enum(["0", "1", "true", "false"], { error: "must be 1/0 or true/false" })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
    DATA_DIR: z.string().default(".data"),
    DATABASE_URL: optionalString.pipe(postgresUrl.optional()),
    RATE_LIMIT_SCALE: z.coerce.number({ error: "must be a number" }).positive().max(1_000_000).default(1),
    PREVIEW_ORIGIN: optionalOrigin,
    E2B_API_KEY: optionalString,
    E2B_DOMAIN: optionalString.pipe(
      z
        .string()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, { error: "must be a bare domain like e2b.example.com (no scheme or path)" })
        .optional(),
    ),
    OLLAMA_BASE_URL: optionalString.pipe(httpUrl.optional()),
    OPENAI_COMPATIBLE_BASE_URL: optionalString.pipe(httpUrl.optional()),
    // Server-held key for OPENAI_COMPATIBLE_BASE_URL (vLLM --api-key, a hosted gateway); never sent elsewhere.
    OPENAI_COMPATIBLE_API_KEY: optionalString,
    // Model ids offered for OPENAI_COMPATIBLE_BASE_URL when the server cannot list them at /models.
    OPENAI_COMPATIBLE_MODELS: optionalString.transform((v) => (v ? [...new Set(v.split(",").map((s) => s.trim()).filter(Boolean))] : [])),
    // LM Studio, llama.cpp and vLLM all accept response_format json_schema; "0" for servers that do not.
    OPENAI_COMPATIBLE_STRUCTURED_OUTPUT: z
      .enum(["0", "1", "true", "false"], { error: "must be 1/0 or true/false" })
      .optional()
      .transform((v) => v === undefined || v === "1" || v === "true"),
    // DESIGN 4.6: a user-supplied base URL is off unless the operator allows it...
    ALLOW_CUSTOM_BASE_URL: flag,
    // ...and even then may not reach private, loopback or link-local addresses unless this is set too.
    ALLOW_PRIVATE_BASE_URL: flag,
    // Supabase auth (DESIGN 5): both set → sign-in required, the server may bind a network interface.
    NEXT_PUBLIC_SUPABASE_URL: optionalString.pipe(httpUrl.optional()).transform((v) => v?.replace(/\/+$/, "")),
    NEXT_PUBLIC_SUPABASE_ANON_KEY: optionalString,
    // Projects still on Supabase's shared HS256 secret; with asymmetric keys the JWKS is used instead.
    SUPABASE_JWT_SECRET: optionalString.pipe(z.string().min(32, { error: "must be at least 32 characters (the project's JWT secret)" }).optional()),
    // Longest a share link may live, in days (links default to 7 days, capped by this).
    SHARE_MAX_DAYS: z.coerce.number({ error: "must be a whole number of days" }).int().min(1).max(365).default(30),
    // 32 bytes (base64 or hex) sealing the API keys users ask Tessera to keep; unset → keys are never stored.
    KEYS_ENCRYPTION_KEY: optionalString.pipe(
      z
        .string()
        .refine((v) => decodeKey(v) !== null, { error: "must be 32 random bytes, base64- or hex-encoded (e.g. openssl rand -base64 32)" })
        .optional(),
    ),
    MODEL_TIMEOUT_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1000).max(600_000).default(60_000),
    ...Object.fromEntries(Object.keys(MODEL_PROVIDER_KEYS).map((k) => [k, optionalString])) as Record<
      keyof typeof MODEL_PROVIDER_KEYS,
      typeof optionalString
    >,
  })
  .superRefine((env, ctx) => {
    // DESIGN 4.8: with no authentication configured Tessera is a single-user app; serving it on a
    // network interface would hand that user to anyone who can reach the port.
    const auth = Boolean(env.NEXT_PUBLIC_SUPABASE_URL && env.NEXT_PUBLIC_SUPABASE_ANON_KEY);
    if (!LOOPBACK_HOSTS.has(env.HOSTNAME) && !env.ALLOW_UNAUTHENTICATED_NETWORK && !auth) {
      ctx.addIssue({
        code: "custom",
        path: ["HOSTNAME"],
        message: `binding ${env.HOSTNAME} without authentication would expose the local single-user mode to anyone on the network; bind 127.0.0.1, configure Supabase auth (NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY), or set ALLOW_UNAUTHENTICATED_NETWORK=1`,
      });
    }
    if (Boolean(env.NEXT_PUBLIC_SUPABASE_URL) !== Boolean(env.NEXT_PUBLIC_SUPABASE_ANON_KEY)) {
      const missing = env.NEXT_PUBLIC_SUPABASE_URL ? "NEXT_PUBLIC_SUPABASE_ANON_KEY" : "NEXT_PUBLIC_SUPABASE_URL";
      ctx.addIssue({ code: "custom", path: [missing], message: "is not set but the other Supabase variable is: Supabase auth needs both" });
    }
    if (env.SUPABASE_JWT_SECRET && !auth) {
      ctx.addIssue({ code: "custom", path: ["SUPABASE_JWT_SECRET"], message: "is set but Supabase auth is not configured (NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY)" });
    }
    if (env.E2B_DOMAIN && !env.E2B_API_KEY) {
      ctx.addIssue({ code: "custom", path: ["E2B_DOMAIN"], message: "is set but E2B_API_KEY is not: E2B needs both" });
    }
    if (env.PREVIEW_ORIGIN && env.APP_URL && env.PREVIEW_ORIGIN === env.APP_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["PREVIEW_ORIGIN"],
        message: "must differ from APP_URL: previews must never share the app's origin",
      });
    }
  });

export type Env = z.output<typeof envSchema>;

/** A 32-byte key from base64, base64url or hex text, or null when it is not exactly that. */
export function decodeKey(text: string): Uint8Array | null {
  const t = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, "hex") : /^[A-Za-z0-9+/_-]{43}={0,2}$/.test(t) ? Buffer.from(t, "base64") : null;
  return bytes && bytes.length === 32 ? new Uint8Array(bytes) : null;
}

/** Whether sign-in through Supabase is configured (otherwise: local single-user mode). */
export function authConfigured(e: Env = env()): boolean {
  return Boolean(e.NEXT_PUBLIC_SUPABASE_URL && e.NEXT_PUBLIC_SUPABASE_ANON_KEY);
}

export class EnvError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n") +
        "\nSee .env.example for every variable and its meaning.",
    );
    this.name = "EnvError";
  }
}

/** Parse a variable map. Never echoes values: a bad value may be a secret. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.length ? String(issue.path[0]) : "(configuration)",
    message: issue.code === "invalid_value" && "values" in issue ? `must be one of ${issue.values.join(", ")}` : issue.message,
  }));
  throw new EnvError(problems);
}

let cached: Env | undefined;

/** The validated configuration of this process. Throws EnvError naming every bad variable. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Test hook: forget the cached configuration so a test can change process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

export function configuredModelProviders(e: Env = env()): string[] {
  const found: string[] = Object.entries(MODEL_PROVIDER_KEYS)
    .filter(([key]) => e[key as keyof typeof MODEL_PROVIDER_KEYS])
    .map(([, name]) => name);
  if (e.OLLAMA_BASE_URL) found.push("Ollama");
  if (e.OPENAI_COMPATIBLE_BASE_URL) found.push("OpenAI-compatible");
  return found;
}
