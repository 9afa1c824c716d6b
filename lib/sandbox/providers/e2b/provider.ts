import { ALL_TRAFFIC, E2B, NotFoundError, type SandboxInfo as SdkSandboxInfo } from "@e2b/code-interpreter";
import { AppError } from "../../../errors";
import { clampLimits, DEFAULT_SANDBOX_LIMITS } from "../../limits";
import type { CreateSandboxOptions, NetworkPolicy, Sandbox, SandboxInfo, SandboxLimits, SandboxProvider } from "../../types";
import { toAppError } from "./errors";
import { E2BSandbox } from "./sandbox";

export interface E2BProviderConfig {
  apiKey: string;
  /** Self-hosted E2B (E2B_DOMAIN); E2B's cloud (e2b.app) when unset. */
  domain?: string;
  /** Tests: the control-plane API's URL. */
  apiUrl?: string;
  /** Tests: one URL for every envd and code-interpreter request (the SDK's `sandboxUrl`). */
  sandboxUrl?: string;
  /** The SDK's debug mode (envd on localhost:49983, no control plane). Local envd development only. */
  debug?: boolean;
  /** Tessera template name → E2B template id or alias. Merged over {@link DEFAULT_TEMPLATE_IDS}. */
  templateIds?: Record<string, string>;
  /**
   * Where relative paths live in the sandbox. The E2B templates Tessera uses (the Fragments
   * "-developer" ones and code-interpreter) keep the app in /home/user and start their dev servers
   * there, so writing anywhere else would not show in the preview.
   */
  projectRoot?: string;
  /** Hosts a "registries" network policy opens (dependency installs). */
  registryHosts?: string[];
  defaultTimeoutMs?: number;
  maxTimeoutMs?: number;
  limits?: Partial<SandboxLimits>;
}

export const DEFAULT_TEMPLATE_IDS: Readonly<Record<string, string>> = {
  python: "code-interpreter-v1",
  nextjs: "nextjs-developer",
  vue: "vue-developer",
  streamlit: "streamlit-developer",
  gradio: "gradio-developer",
};

/**
 * Limits the adapter enforces itself. Memory, CPU, processes and disk are not settable per sandbox
 * on E2B (they are fixed when a template is built), so those fields are informational here.
 */
const DEFAULT_LIMITS: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, diskBytes: 1024 * 1024 * 1024 };
const CEILING: Partial<SandboxLimits> = { maxFileBytes: 512 * 1024 * 1024, commandTimeoutMs: 10 * 60_000, maxOutputBytes: 16 * 1024 * 1024 };

const DEFAULT_REGISTRIES = ["registry.npmjs.org", "pypi.org", "files.pythonhosted.org"];

// E2B ids are short alphanumerics (older ones carry a -suffix). Anything else cannot be a sandbox,
// and is refused before it is put into a URL.
const SANDBOX_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const META = { owner: "tesseraOwner", project: "tesseraProject", template: "tesseraTemplate", network: "tesseraNetwork" } as const;
const RESERVED_META = new Set<string>(Object.values(META));

const NOT_FOUND = "No such sandbox.";

function checkMetadata(metadata: Record<string, string> = {}): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw new AppError("bad_request:validation", "At most 16 metadata entries.");
  for (const [k, v] of entries) {
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(k)) throw new AppError("bad_request:validation", `Metadata key "${k.slice(0, 64)}" is not allowed.`);
    if (RESERVED_META.has(k)) throw new AppError("bad_request:validation", `Metadata key ${k} is set by Tessera.`);
    if (typeof v !== "string" || v.length > 256) throw new AppError("bad_request:validation", `Metadata ${k} must be a string of at most 256 characters.`);
  }
  return { ...metadata };
}

/**
 * Sandboxes on E2B (cloud or self-hosted) through the official SDK. Owner, project and template are
 * recorded as sandbox metadata at creation; every call that names a sandbox reads that metadata
 * first and answers "not found" to anyone but the owner, before anything is changed or resumed.
 * The configuration is explicit (an `E2B` client with bound options), so the SDK's own environment
 * variables cannot redirect it; only options left unset fall back to them.
 */
export class E2BProvider implements SandboxProvider {
  readonly name = "e2b";
  private readonly client: E2B;
  private readonly templateIds: Record<string, string>;
  private readonly secrets: string[];

  constructor(private readonly config: E2BProviderConfig) {
    this.templateIds = { ...DEFAULT_TEMPLATE_IDS, ...config.templateIds };
    this.secrets = [config.apiKey];
    const domain = config.domain ?? "e2b.app";
    this.client = new E2B({
      apiKey: config.apiKey,
      domain,
      // Spelled out (the SDK's own default) so a stray E2B_API_URL in the environment cannot send the
      // key elsewhere; the SDK reads that variable only when no apiUrl is given.
      apiUrl: config.apiUrl ?? (config.debug ? "http://localhost:3000" : `https://api.${domain}`),
      sandboxUrl: config.sandboxUrl,
      debug: config.debug ?? false,
    });
  }

  async preflight(): Promise<{ ok: boolean; problem?: string }> {
    if (!this.config.apiKey?.trim()) return { ok: false, problem: "E2B_API_KEY is not set: create a key at https://e2b.dev/dashboard and set it, or use the local sandbox." };
    return { ok: true };
  }

  templates(): string[] {
    return Object.keys(this.templateIds);
  }

  /** Without a key the SDK would fall back to E2B_API_KEY from the environment: refuse instead. */
  private requireKey(): void {
    if (!this.config.apiKey?.trim()) throw new AppError("unavailable:sandbox", "E2B is not configured (E2B_API_KEY is empty).");
  }

  private fail(err: unknown, action: string, notFound = NOT_FOUND): AppError {
    return toAppError(err, { secrets: this.secrets, action, notFound });
  }

  private egress(policy: NetworkPolicy): { allowOut?: string[]; denyOut: string[] } {
    return policy.mode === "registries" ? { allowOut: this.config.registryHosts ?? DEFAULT_REGISTRIES, denyOut: [ALL_TRAFFIC] } : { denyOut: [ALL_TRAFFIC] };
  }

  private toInfo(sdk: Pick<SdkSandboxInfo, "sandboxId" | "metadata" | "startedAt" | "endAt">): SandboxInfo {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out so it is not shown as user metadata
    const { [META.owner]: ownerId = "", [META.project]: projectId = "", [META.template]: template = "", [META.network]: _network, ...metadata } = sdk.metadata;
    return { id: sdk.sandboxId, provider: this.name, template, ownerId, projectId, metadata, createdAt: sdk.startedAt, expiresAt: sdk.endAt, status: "running" };
  }

  private wrap(sdk: InstanceType<E2B["Sandbox"]>, info: SandboxInfo, limits: SandboxLimits, network: NetworkPolicy): Sandbox {
    return new E2BSandbox({
      sdk,
      info,
      limits,
      network,
      projectRoot: this.config.projectRoot ?? "/home/user",
      egress: (p) => this.egress(p),
      secrets: this.secrets,
      previewScheme: this.config.debug ? "http" : "https",
    });
  }

  async create(options: CreateSandboxOptions): Promise<Sandbox> {
    this.requireKey();
    const templateId = this.templateIds[options.template];
    if (!templateId || !Object.hasOwn(this.templateIds, options.template)) throw new AppError("bad_request:validation", `Unknown template "${String(options.template).slice(0, 64)}".`);
    if (!options.ownerId || !options.projectId) throw new AppError("bad_request:validation", "A sandbox needs an owner and a project.");
    const timeoutMs = options.timeoutMs ?? this.config.defaultTimeoutMs ?? 5 * 60_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AppError("bad_request:validation", "timeoutMs must be a positive number.");
    const ttl = Math.min(timeoutMs, this.config.maxTimeoutMs ?? 60 * 60_000);
    const limits = clampLimits({ ...DEFAULT_LIMITS, ...this.config.limits }, CEILING, options.limits);
    const network = options.network ?? { mode: "none" };
    const userMetadata = checkMetadata(options.metadata);
    const metadata = {
      ...userMetadata,
      [META.owner]: options.ownerId,
      [META.project]: options.projectId,
      [META.template]: options.template,
      // Recorded so a later connect restores the same standing policy after widening it.
      [META.network]: network.mode,
    };
    let sdk: InstanceType<E2B["Sandbox"]>;
    try {
      sdk = await this.client.Sandbox.create(templateId, {
        timeoutMs: ttl,
        metadata,
        // Nothing goes into a sandbox's environment: no secret may enter it (DESIGN 4.5).
        envs: {},
        network: this.egress(network),
      });
    } catch (err) {
      throw this.fail(err, `create a sandbox from template ${options.template}`);
    }
    const now = new Date();
    const info: SandboxInfo = {
      id: sdk.sandboxId,
      provider: this.name,
      template: options.template,
      ownerId: options.ownerId,
      projectId: options.projectId,
      metadata: userMetadata,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      status: "running",
    };
    return this.wrap(sdk, info, limits, network);
  }

  /** The sandbox's info if `ownerId` owns it; otherwise the same not_found as a missing id. */
  private async owned(id: string, ownerId: string): Promise<SdkSandboxInfo> {
    this.requireKey();
    if (typeof id !== "string" || !SANDBOX_ID.test(id) || !ownerId) throw new AppError("not_found", NOT_FOUND);
    let info: SdkSandboxInfo;
    try {
      info = await this.client.Sandbox.getInfo(id);
    } catch (err) {
      if (err instanceof NotFoundError) throw new AppError("not_found", NOT_FOUND);
      throw this.fail(err, "look up the sandbox");
    }
    if (info.metadata[META.owner] !== ownerId) throw new AppError("not_found", NOT_FOUND);
    return info;
  }

  async connect(id: string, ownerId: string): Promise<Sandbox> {
    // Checked before Sandbox.connect, which resumes a paused sandbox: another owner's must not even
    // be woken up.
    const found = await this.owned(id, ownerId);
    let sdk: InstanceType<E2B["Sandbox"]>;
    try {
      sdk = await this.client.Sandbox.connect(id);
    } catch (err) {
      throw this.fail(err, "connect to the sandbox");
    }
    const network: NetworkPolicy = found.metadata[META.network] === "registries" ? { mode: "registries" } : { mode: "none" };
    return this.wrap(sdk, this.toInfo(found), clampLimits({ ...DEFAULT_LIMITS, ...this.config.limits }, CEILING), network);
  }

  async kill(id: string, ownerId: string): Promise<void> {
    await this.owned(id, ownerId);
    try {
      await this.client.Sandbox.kill(id);
    } catch (err) {
      throw this.fail(err, "stop the sandbox");
    }
  }

  async list(ownerId: string): Promise<SandboxInfo[]> {
    this.requireKey();
    if (!ownerId) return [];
    const out: SandboxInfo[] = [];
    try {
      const pages = this.client.Sandbox.list({ query: { metadata: { [META.owner]: ownerId } }, limit: 100 });
      for (let page = 0; pages.hasNext && page < 20; page++) {
        for (const s of await pages.nextItems()) {
          // The API filters by metadata already; checked again so a filter bug cannot leak others'.
          if (s.metadata[META.owner] === ownerId) out.push(this.toInfo(s));
        }
      }
    } catch (err) {
      throw this.fail(err, "list sandboxes");
    }
    return out;
  }
}
