import { AppError } from "../errors";
import type { CreateSandboxOptions, Sandbox, SandboxProvider } from "./types";

/** Providers that can hand a pre-created sandbox to its first owner (the local provider can). */
export interface AdoptingProvider extends SandboxProvider {
  adopt(id: string, fromOwner: string, to: Pick<CreateSandboxOptions, "ownerId" | "projectId" | "metadata" | "timeoutMs">): Promise<Sandbox>;
}

export function canAdopt(provider: SandboxProvider): provider is AdoptingProvider {
  return typeof (provider as Partial<AdoptingProvider>).adopt === "function";
}

export interface PoolOptions {
  /** Sandboxes kept ready per template. */
  size: Record<string, number>;
  /** Work done before a sandbox counts as warm, e.g. starting Python and importing numpy. */
  warm?: (sandbox: Sandbox) => Promise<void>;
  onError?: (err: unknown) => void;
}

/** Who holds a warm sandbox before it is handed out. */
export const POOL_OWNER = "__pool__";

/**
 * Warm sandboxes per template, so creation and runtime start-up are off the critical path, and
 * reuse of a project's running sandbox across runs. A pooled sandbox belongs to no user until it is
 * handed out, and is handed out once: its owner is set then and never changes again.
 */
export class SandboxPool {
  private readonly ready = new Map<string, Sandbox[]>();
  private readonly filling = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly provider: SandboxProvider,
    private readonly options: PoolOptions,
  ) {
    for (const template of Object.keys(options.size)) void this.refill(template);
  }

  /** A sandbox for this owner and project: the project's running one, a warm one, or a new one. */
  async forProject(options: CreateSandboxOptions): Promise<Sandbox> {
    const running = (await this.provider.list(options.ownerId)).find(
      (info) => info.projectId === options.projectId && info.template === options.template && info.status === "running",
    );
    if (running) return this.provider.connect(running.id, options.ownerId);
    return this.acquire(options);
  }

  async acquire(options: CreateSandboxOptions): Promise<Sandbox> {
    const queue = this.ready.get(options.template);
    const pooled = queue?.shift();
    void this.refill(options.template);
    if (pooled && canAdopt(this.provider) && !options.limits && !options.network) {
      try {
        return await this.provider.adopt(pooled.info.id, POOL_OWNER, options);
      } catch (err) {
        // Refused for the owner (at their cap): the sandbox stays warm for the next taker.
        if (err instanceof AppError && err.code === "rate_limit:quota") {
          queue!.unshift(pooled);
          throw err;
        }
        this.options.onError?.(err);
      }
    }
    return this.provider.create(options);
  }

  /** How many warm sandboxes are ready per template (health, benchmarks). */
  stats(): Record<string, number> {
    return Object.fromEntries(Object.keys(this.options.size).map((t) => [t, this.ready.get(t)?.length ?? 0]));
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(all.map((s) => s.kill().catch(() => {})));
  }

  private async refill(template: string): Promise<void> {
    if (this.closed || !canAdopt(this.provider)) return;
    const want = this.options.size[template] ?? 0;
    const have = (this.ready.get(template)?.length ?? 0) + (this.filling.get(template) ?? 0);
    for (let i = have; i < want; i++) {
      this.filling.set(template, (this.filling.get(template) ?? 0) + 1);
      try {
        const sandbox = await this.provider.create({ template, ownerId: POOL_OWNER, projectId: POOL_OWNER, timeoutMs: 24 * 60 * 60_000 });
        await this.options.warm?.(sandbox);
        if (this.closed) {
          await sandbox.kill();
          return;
        }
        const queue = this.ready.get(template) ?? [];
        queue.push(sandbox);
        this.ready.set(template, queue);
      } catch (err) {
        this.options.onError?.(err);
        return;
      } finally {
        this.filling.set(template, (this.filling.get(template) ?? 1) - 1);
      }
    }
  }
}
