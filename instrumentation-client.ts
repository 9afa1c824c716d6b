import { z } from "zod";

// zod probes for eval support with `new Function("")` when a schema is created; under the app's
// CSP (no 'unsafe-eval') Chromium reports that probe as a violation even though zod recovers.
// Next runs this file before any app code in the browser, so no schema is built before it.
z.config({ jitless: true });
