import { applyFragment, fragmentSchema, type Fragment } from "../fragment/schema";
import type { CurrentProject, TemplateInfo } from "./types";

/**
 * The last gate on a model's answer (DESIGN 4.4: LLM output is untrusted input). The fragment
 * schema checks every path, size, count and dependency name; on top of it the answer must use an
 * offered template, the one the user picked, and name an entry file that exists.
 */

export interface FragmentRules {
  templates: TemplateInfo[];
  /** "auto" or the template id the user picked. */
  requested: string;
  current?: CurrentProject;
}

export type Validation = { ok: true; fragment: Fragment } | { ok: false; problems: string[] };

const MAX_LISTED = 8;

function templateProblem(template: string, rules: FragmentRules): string | null {
  const offered = rules.templates.map((t) => t.id);
  if (!offered.includes(template)) {
    return `template: "${template.slice(0, 64)}" is not one of the offered templates (${offered.join(", ")}).`;
  }
  if (rules.requested !== "auto" && template !== rules.requested) {
    return `template: the user chose "${rules.requested}", but the answer uses "${template}".`;
  }
  if (rules.requested === "auto" && rules.current && template !== rules.current.template) {
    return `template: the project uses "${rules.current.template}"; moving it to "${template}" needs the user to pick that template.`;
  }
  return null;
}

export function validateFragment(raw: unknown, rules: FragmentRules): Validation {
  const parsed = fragmentSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(answer)"}: ${issue.message}`),
    };
  }
  const fragment = parsed.data;
  const problems: string[] = [];
  const template = templateProblem(fragment.template, rules);
  if (template) problems.push(template);
  // A template switch replaces the project, so only a same-template follow-up builds on its files.
  const base = rules.current && rules.current.template === fragment.template ? rules.current.files : [];
  const files = applyFragment(base, fragment);
  if (!files.some((f) => f.path === fragment.entry)) {
    problems.push(`entry: "${fragment.entry}" is not among the project's files.`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, fragment };
}

/** One message naming the first problems, for an error event. */
export function describeProblems(problems: string[]): string {
  const listed = problems.slice(0, MAX_LISTED).map((p) => p.replace(/\.$/, "")).join("; ");
  const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : "";
  return `The model's answer broke the project rules: ${listed}${more}.`;
}
