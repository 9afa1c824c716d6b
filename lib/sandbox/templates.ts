import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import type { CommandResult, Sandbox } from "./types";

/** What each local template declares about itself (templates/<name>/template.json). */
export const templateManifestSchema = z.object({
  name: z.string(),
  title: z.string(),
  entry: z.string(),
  build: z.array(z.string()).min(1).optional(),
  start: z.array(z.string()).min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  output: z.string().optional(),
  serve: z.enum(["static", "server", "none"]),
  dependencies: z.string(),
});

export type TemplateManifest = z.infer<typeof templateManifestSchema>;

export function readTemplateManifest(templatesDir: string, name: string): TemplateManifest {
  const file = path.join(templatesDir, name, "template.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new AppError("bad_request:validation", `Template "${name}" has no readable template.json.`);
  }
  return templateManifestSchema.parse(raw);
}

/** Run the template's build step in the sandbox; the result carries the build's own messages. */
export async function buildInSandbox(sandbox: Sandbox, manifest: TemplateManifest, onOutput?: (chunk: string) => void): Promise<CommandResult> {
  if (!manifest.build) throw new AppError("bad_request:validation", `Template "${manifest.name}" has no build step.`);
  return sandbox.commands.run(manifest.build, { onStdout: onOutput, onStderr: onOutput, timeoutMs: 120_000 });
}
