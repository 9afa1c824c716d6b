import { z } from "zod";

/*
 * zod 4 checks whether it may compile parsers with `new Function("")` as soon as an object schema
 * is built. Under the app's CSP (no 'unsafe-eval') that check is blocked, and blocked checks are
 * reported as CSP violations even though zod catches the error. In the browser, zod's
 * interpreted mode is plenty fast, so it is switched on before any schema of ours is built.
 * Import this module before any module that builds schemas (see preview-frame.tsx). The server
 * keeps the compiled mode.
 */
if (typeof window !== "undefined") z.config({ jitless: true });
