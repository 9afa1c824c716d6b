// The path rule is shared with lib/ai and the browser (which validate a fragment before it ever
// reaches a sandbox); it lives in lib/fragment so neither has to import the sandbox layer.
export { normalizeSandboxPath, MAX_PATH_LENGTH, MAX_SEGMENT_BYTES } from "../fragment/paths";
