import type { CommandResult } from "./types";

/** Past this many times the cap, a flood is not worth draining: the command is killed. */
const HARD_OUTPUT_FACTOR = 16;

/**
 * Keeps stdout+stderr up to `maxOutputBytes` (the local provider's rule: counted across both
 * streams, the rest dropped and counted) and passes kept chunks on in arrival order.
 */
export class OutputCollector {
  private readonly kept = { stdout: [] as string[], stderr: [] as string[] };
  private keptBytes = 0;
  truncatedBytes = 0;

  constructor(
    private readonly maxOutputBytes: number,
    private readonly callbacks: { onStdout?: (s: string) => void; onStderr?: (s: string) => void },
    private readonly onFlood: () => void,
  ) {}

  take(stream: "stdout" | "stderr", text: string): void {
    const bytes = Buffer.from(text, "utf8");
    const room = this.maxOutputBytes - this.keptBytes;
    if (room > 0) {
      const piece = bytes.length <= room ? text : bytes.subarray(0, room).toString("utf8");
      this.kept[stream].push(piece);
      this.keptBytes += Math.min(bytes.length, room);
      (stream === "stdout" ? this.callbacks.onStdout : this.callbacks.onStderr)?.(piece);
    }
    this.truncatedBytes += Math.max(0, bytes.length - Math.max(0, room));
    if (this.truncatedBytes > this.maxOutputBytes * HARD_OUTPUT_FACTOR) this.onFlood();
  }

  result(exitCode: number, killedBy: CommandResult["killedBy"], startedAt: number): CommandResult {
    return {
      exitCode,
      stdout: this.kept.stdout.join(""),
      stderr: this.kept.stderr.join("") + (this.truncatedBytes > 0 ? `\n[output truncated: ${this.truncatedBytes} bytes dropped]` : ""),
      ...(killedBy ? { killedBy } : {}),
      truncatedBytes: this.truncatedBytes,
      durationMs: Math.round(performance.now() - startedAt),
    };
  }
}
