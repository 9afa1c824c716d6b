import { createHash } from "node:crypto";
import { AppError } from "../errors";
import { splitNpmSpec, splitPipSpec } from "../fragment/dependencies";
import type { Dependencies } from "../fragment/schema";
import { RUNNER_DIR, type RunTemplate } from "./run-templates";
import type { CommandResult, Sandbox } from "./types";

/**
 * DESIGN 4.4: the install command is derived from the validated dependency list, never taken from
 * the model. Names are checked again here (the grammar is the fragment schema's), packages the
 * template bundles are dropped, and each manager installs only when its set changed since the
 * last install in this sandbox (a hash kept in the runner's directory).
 */

export const NPM_DIR = `${RUNNER_DIR}/npm`;
export const PIP_TARGET = `${RUNNER_DIR}/python`;
const INSTALL_TIMEOUT_MS = 180_000;

export interface InstallPlan {
  npm: string[];
  pip: string[];
}

type Manager = keyof InstallPlan;

/** Declared packages the template does not already have, one spec per package name. */
export function installPlan(dependencies: Dependencies, template: RunTemplate): InstallPlan {
  const pick = (specs: string[], split: (s: string) => { name: string } | null, bundled: string[], fold: (n: string) => string) => {
    const have = new Set(bundled.map(fold));
    const byName = new Map<string, string>();
    for (const spec of specs) {
      const parsed = split(spec);
      if (!parsed) throw new AppError("bad_request:validation", `"${spec.slice(0, 100)}" is not a package name (optionally with a version).`);
      if (!have.has(fold(parsed.name))) byName.set(fold(parsed.name), spec);
    }
    return [...byName.values()].sort();
  };
  // PyPI treats case, "-", "_" and "." alike (PEP 503); npm names are exact.
  const pipFold = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");
  return {
    npm: pick(dependencies.npm, splitNpmSpec, template.bundled.npm, (n) => n),
    pip: pick(dependencies.pip, splitPipSpec, template.bundled.pip, pipFold),
  };
}

export const planHash = (manager: Manager, specs: string[]): string => createHash("sha256").update(`${manager}\n${specs.join("\n")}`).digest("hex");
const markerPath = (manager: Manager) => `${RUNNER_DIR}/installed-${manager}.sha256`;

/** Whether this exact set is what the last successful install in this sandbox put there. */
export async function alreadyInstalled(sandbox: Sandbox, manager: Manager, specs: string[]): Promise<boolean> {
  try {
    return (await sandbox.files.readText(markerPath(manager))).trim() === planHash(manager, specs);
  } catch {
    return false;
  }
}

function npmCommand(template: RunTemplate, specs: string[]): { argv: string[]; cwd?: string } {
  const flags = ["--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", "--update-notifier=false", "--loglevel=error"];
  // Local templates: a package.json of the runner's own, so npm also prunes what was dropped.
  if (template.npmInto === "runner") return { argv: ["npm", "install", "--no-package-lock", ...flags], cwd: NPM_DIR };
  return { argv: ["npm", "install", "--no-save", ...flags, ...specs] };
}

function npmManifest(specs: string[]): string {
  const dependencies = Object.fromEntries(specs.map((s) => splitNpmSpec(s)!).map((p) => [p.name, p.version ?? "*"]));
  return JSON.stringify({ name: "tessera-project-packages", private: true, dependencies }, null, 2);
}

const pipCommand = (specs: string[]) => [
  "python3", "-m", "pip", "install", "--target", PIP_TARGET, "--upgrade", "--no-input", "--disable-pip-version-check",
  "--no-warn-script-location", "--progress-bar", "off", "--retries", "2", "--prefer-binary", ...specs,
];

async function hasTool(sandbox: Sandbox, manager: Manager): Promise<boolean> {
  const probe = manager === "npm" ? ["/bin/sh", "-c", "command -v npm"] : ["python3", "-c", "import pip"];
  const result = await sandbox.commands.run(probe, { timeoutMs: 15_000 }).catch(() => null);
  return result?.exitCode === 0;
}

export class InstallError extends AppError {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super("bad_request:validation", message);
  }
}

/** The last lines that say what went wrong, for the one-line message. */
function reason(result: CommandResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.split("\n").map((l) => l.trim());
  const err = lines.find((l) => /^(npm error|ERROR:)/.test(l) && !/^npm error (A complete log|code )/.test(l));
  return (err ?? lines.filter(Boolean).at(-1) ?? "").slice(0, 400);
}

/** Installs one manager's packages with registry access for that command only. */
export async function install(
  sandbox: Sandbox,
  template: RunTemplate,
  manager: Manager,
  specs: string[],
  onOutput: (stream: "stdout" | "stderr", text: string) => void,
): Promise<void> {
  if (!(await hasTool(sandbox, manager))) {
    const tool = manager === "npm" ? "npm" : "pip (python3 -m pip)";
    throw new InstallError(`This sandbox has no ${tool}, so the declared ${manager} packages (${specs.join(", ")}) cannot be installed.`, "");
  }
  await sandbox.files.remove(markerPath(manager));
  let argv: string[];
  let cwd: string | undefined;
  if (manager === "npm") {
    ({ argv, cwd } = npmCommand(template, specs));
    if (template.npmInto === "runner") await sandbox.files.write(`${NPM_DIR}/package.json`, npmManifest(specs));
  } else {
    // A changed set starts from an empty target, so removed packages do not linger.
    await sandbox.files.remove(PIP_TARGET);
    argv = pipCommand(specs);
  }
  const result = await sandbox.commands.run(argv, {
    cwd,
    network: { mode: "registries" },
    timeoutMs: INSTALL_TIMEOUT_MS,
    onStdout: (t) => onOutput("stdout", t),
    onStderr: (t) => onOutput("stderr", t),
  });
  if (result.exitCode !== 0) {
    const why = result.killedBy === "timeout" ? `it took longer than ${INSTALL_TIMEOUT_MS / 1000} s` : reason(result);
    throw new InstallError(`Installing ${manager} packages (${specs.join(", ")}) failed${why ? `: ${why}` : "."}`, `${result.stdout}${result.stderr}`);
  }
  await sandbox.files.write(markerPath(manager), planHash(manager, specs));
}

/** Removes what an earlier run installed, once the project no longer declares anything. */
export async function uninstall(sandbox: Sandbox, template: RunTemplate, manager: Manager): Promise<void> {
  const installedBefore = await sandbox.files.readText(markerPath(manager)).then(
    () => true,
    () => false,
  );
  if (!installedBefore) return;
  await sandbox.files.remove(markerPath(manager));
  if (manager === "pip") await sandbox.files.remove(PIP_TARGET);
  else if (template.npmInto === "runner") await sandbox.files.remove(NPM_DIR);
}
