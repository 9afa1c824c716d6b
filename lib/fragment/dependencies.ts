/**
 * Dependency names a model may declare (DESIGN 4.4). The install command is derived from these and
 * never taken from the model, so the grammar is strict: anything that is not plainly a package name
 * with an optional plain version (no URLs, git specs, file paths, flags or shell syntax) is refused.
 */

// npm: lower-case, URL-safe, ≤ 214 chars, optional @scope/; no leading . or _.
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
// A plain version or range: 1.2.3, ^1.2, ~4, 5.x, latest. No spaces, URLs, paths or protocols.
const NPM_VERSION = /^(?:latest|next|[~^]?\d+(?:\.(?:\d+|x|\*)){0,2}(?:-[0-9a-z.-]+)?|\d+\.x|\*)$/i;
// PEP 508 names (normalized comparison is the index's job): letters, digits, . _ -.
const PIP_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const PIP_VERSION = /^\d+(?:\.\d+){0,3}(?:(?:a|b|rc)\d+)?(?:\.post\d+)?$/;

export interface PackageSpec {
  name: string;
  version?: string;
}

export function splitNpmSpec(spec: string): PackageSpec | null {
  const at = spec.lastIndexOf("@");
  const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
  if (name.length === 0 || name.length > 214 || !NPM_NAME.test(name)) return null;
  if (version !== undefined && !NPM_VERSION.test(version)) return null;
  return version === undefined ? { name } : { name, version };
}

export function splitPipSpec(spec: string): PackageSpec | null {
  const [name, version, ...rest] = spec.split("==");
  if (rest.length > 0 || !name || name.length > 100 || !PIP_NAME.test(name)) return null;
  if (version !== undefined && !PIP_VERSION.test(version)) return null;
  return version === undefined ? { name } : { name, version };
}

export const isNpmSpec = (spec: string): boolean => splitNpmSpec(spec) !== null;
export const isPipSpec = (spec: string): boolean => splitPipSpec(spec) !== null;
