import { AppError } from "../errors";

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION)/;

/** Plain variables only: names that look like credentials are refused, so no secret enters a sandbox. */
export function checkCommandEnv(env: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new AppError("bad_request:validation", `Environment variable name "${name.slice(0, 64)}" is not allowed.`);
    if (SECRET_NAME.test(name)) throw new AppError("bad_request:validation", `Environment variable ${name} looks like a secret; secrets never enter a sandbox.`);
    if (value.length > 4096 || value.includes("\0")) throw new AppError("bad_request:validation", `Environment variable ${name} is too long or contains a NUL byte.`);
  }
  return { ...env };
}
